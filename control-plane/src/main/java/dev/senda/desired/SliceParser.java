package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointSlice;
import dev.senda.model.SlicePort;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Validates one EndpointSlice. A slice of addressType IPv4 or IPv6 is used for frontends of that
 * family; an FQDN slice is skipped without a rejection (nothing to balance to; kube-proxy ignores
 * them too), any other addressType is rejected as a whole. Inside a usable slice, a malformed port
 * or endpoint (no address, an address that is not of the slice's family, an address that may not be a
 * backend by {@link EndpointAddressRules}) is reported and skipped, and the rest of the slice is used.
 * A slice whose name, namespace, labels or number of endpoints or ports are beyond the API's limits
 * ({@link ApiLimits}) is rejected as a whole, like a malformed Service: a 10,000-endpoint slice would
 * otherwise fill the backend map for one object no API server accepts.
 */
final class SliceParser {
    private static final Logger LOG = LoggerFactory.getLogger(SliceParser.class);
    private static final String FQDN = "FQDN";

    private SliceParser() {
    }

    /**
     * The usable part of {@code slice}; empty when nothing in it is usable for load balancing.
     *
     * @param problems receives one reason per rejected part (or the whole slice), naming the field
     */
    static Optional<ParsedSlice> parse(EndpointSlice slice, Consumer<String> problems) {
        String type = slice.addressType();
        if (FQDN.equals(type)) {
            LOG.debug("EndpointSlice {}: addressType FQDN, not used (Senda balances to IP addresses only)", slice.ref());
            return Optional.empty();
        }
        List<String> metadata = new ArrayList<>();
        ApiLimits.NameFormat.DNS1123_SUBDOMAIN.check("metadata.name", slice.ref().name(), metadata::add);
        ApiLimits.NameFormat.DNS1123_LABEL.check("metadata.namespace", slice.ref().namespace(), metadata::add);
        ApiLimits.checkLabels(slice.labels(), metadata::add);
        if (slice.endpoints().size() > ApiLimits.SLICE_MAX_ENDPOINTS) {
            metadata.add("endpoints: " + slice.endpoints().size() + " endpoints, more than the API's "
                    + ApiLimits.SLICE_MAX_ENDPOINTS);
        }
        if (slice.ports().size() > ApiLimits.SLICE_MAX_PORTS) {
            metadata.add("ports: " + slice.ports().size() + " ports, more than the API's " + ApiLimits.SLICE_MAX_PORTS);
        }
        if (!metadata.isEmpty()) {
            metadata.forEach(problems);
            return Optional.empty();
        }
        Optional<IpFamily> family = IpFamily.ofApiName(type);
        if (family.isEmpty()) {
            problems.accept(type == null ? "no addressType" : "unknown addressType \"" + type + "\"");
            return Optional.empty();
        }
        return Optional.of(new ParsedSlice(slice.ref(), family.get(), ports(slice, problems),
                endpoints(slice, family.get(), problems)));
    }

    private static Map<ParsedSlice.PortKey, Integer> ports(EndpointSlice slice, Consumer<String> problems) {
        Map<ParsedSlice.PortKey, Integer> ports = new HashMap<>();
        for (int i = 0; i < slice.ports().size(); i++) {
            SlicePort p = slice.ports().get(i);
            String where = "ports[" + i + "]" + (p.name().isEmpty() ? "" : " (\"" + p.name() + "\")");
            Optional<L4Protocol> proto = L4Protocol.ofApiName(p.protocol());
            if (proto.isEmpty()) {
                problems.accept(where + ": unknown protocol \"" + p.protocol() + "\", skipped");
            } else if (p.port() == null) {
                problems.accept(where + ": no port number, skipped");
            } else if (p.port() < 1 || p.port() > 0xffff) {
                problems.accept(where + ": port " + p.port() + " is out of range 1..65535, skipped");
            } else if (ports.putIfAbsent(new ParsedSlice.PortKey(p.name(), proto.get()), p.port()) != null) {
                problems.accept(where + ": duplicate port name and protocol, skipped");
            }
        }
        return ports;
    }

    private static List<ParsedSlice.Endpoint> endpoints(EndpointSlice slice, IpFamily family,
                                                        Consumer<String> problems) {
        List<ParsedSlice.Endpoint> out = new ArrayList<>();
        for (int i = 0; i < slice.endpoints().size(); i++) {
            Endpoint ep = slice.endpoints().get(i);
            if (ep.addresses().isEmpty()) {
                problems.accept("endpoints[" + i + "]: no addresses, skipped");
                continue;
            }
            // The API defines the first address as the one consumers use.
            String literal = ep.addresses().getFirst();
            Optional<IpAddress> address = IpAddress.parse(literal).filter(a -> a.family() == family);
            if (address.isEmpty()) {
                problems.accept("endpoints[" + i + "]: address \"" + literal + "\" is not an " + family
                        + " address, skipped");
                continue;
            }
            Optional<String> refusal = EndpointAddressRules.refusal(address.get());
            if (refusal.isPresent()) {
                problems.accept("endpoints[" + i + "]: address \"" + literal + "\" is " + refusal.get() + ", skipped");
                continue;
            }
            out.add(new ParsedSlice.Endpoint(address.get(), EndpointReadiness.of(ep.conditions()), ep.nodeName(),
                    ep.zone(), TopologyHints.of(ep.zoneHints(), ep.nodeHints())));
        }
        return out;
    }
}
