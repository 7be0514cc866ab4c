package dev.senda.desired;

import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The usable part of one EndpointSlice, validated by {@link SliceParser}.
 *
 * @param ref       the slice
 * @param family    its addressType; every endpoint address is of this family
 * @param ports     endpoint port number by slice port (name, protocol)
 * @param endpoints the endpoints that have a usable address, in slice order
 */
record ParsedSlice(ObjectRef ref, IpFamily family, Map<PortKey, Integer> ports, List<Endpoint> endpoints) {
    ParsedSlice {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(family, "family");
        ports = Map.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    /** A slice port's identity: a Service port matches the slice port of the same name and protocol. */
    record PortKey(String name, L4Protocol proto) {
    }

    /**
     * One endpoint of the slice.
     *
     * @param address  its first address (the API defines the first one as the one consumers use)
     * @param nodeName null when absent
     * @param zone     null when absent
     * @param hints    its topology hints ({@link TopologyHints#NONE} when none)
     */
    record Endpoint(IpAddress address, EndpointReadiness readiness, String nodeName, String zone,
                    TopologyHints hints) {
        Endpoint {
            Objects.requireNonNull(hints, "hints");
        }
    }

    /** The number this slice's endpoints listen on for the Service port, if the slice has that port. */
    Optional<Integer> port(ParsedPort servicePort) {
        return Optional.ofNullable(ports.get(new PortKey(servicePort.name(), servicePort.proto())));
    }
}
