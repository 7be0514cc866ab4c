package dev.senda.desired;

import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;
import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.Snapshot;

import dev.senda.net.IpAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Desired load-balancer state as a pure function of the objects and the node: no I/O, no clock, no
 * DNS; the same input always gives the same output (golden-tested).
 *
 * <p>Which Services: every type but ExternalName gets its ClusterIP frontends (NodePort and
 * LoadBalancer parts are a later issue). Skipped silently, as kube-proxy does: Services labeled
 * {@value #LABEL_SERVICE_PROXY_NAME} (with any value: another proxy owns them) or
 * {@value #LABEL_HEADLESS}, headless Services (clusterIP "None"), and IPv6 addresses (a later issue).
 *
 * <p>Frontends: one per IPv4 cluster IP x Service port, scope {@link Scope#EXTERNAL}.
 *
 * <p>Backends: from every EndpointSlice labeled with the Service's name in its namespace, addressType
 * IPv4, through the slice port with the same name and protocol as the Service port (that is how a
 * named targetPort resolves: the slice carries the number). Endpoint selection follows upstream
 * kube-proxy's behaviour: the ready endpoints (an unset ready condition counts as ready); when there
 * is none, the endpoints that are serving and terminating, marked {@link BackendState#TERMINATING};
 * the address used is an endpoint's first one. Identical backends from several slices count once;
 * backends are sorted. A Service without usable endpoints keeps its frontends with no backends, so
 * the datapath refuses connections instead of letting them time out.
 *
 * <p>Rejections: a Service with a bad or empty (unallocated) clusterIP, no ports, a port out of 1..65535, an
 * unknown protocol, a duplicate port (number+protocol, or name), or a frontend another Service
 * already claims, is not programmed at all; everything else is unaffected. VIP conflicts are decided
 * by age: the Service created first wins; without timestamps (a directory of YAML) the smaller
 * namespace/name wins. In an EndpointSlice, a malformed endpoint or port is skipped with a rejection
 * naming the slice, and the rest of the slice is used.
 */
public final class DesiredStateCalculator {
    /** Set by a Service owner that wants another proxy (not kube-proxy, not Senda) to serve it. */
    public static final String LABEL_SERVICE_PROXY_NAME = "service.kubernetes.io/service-proxy-name";
    /** Marks a Service as headless (kube-proxy skips Services carrying it, whatever the value). */
    public static final String LABEL_HEADLESS = "service.kubernetes.io/headless";

    private static final String IPV4 = "IPv4";

    /** Oldest first; objects without a creation timestamp after all others; then namespace/name. */
    private static final Comparator<Service> CREATION_ORDER = Comparator
            .comparing(Service::creationTimestamp, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(Service::ref);

    /**
     * Computes the desired state.
     *
     * @param node unused for now; topology and traffic policies will need it
     */
    public DesiredState calculate(Snapshot snapshot, NodeInfo node) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(node, "node");
        return new Run(snapshot).run();
    }

    /** One calculation's scratch state. */
    private static final class Run {
        private final Snapshot snapshot;
        private final List<Rejection> rejections = new ArrayList<>();
        private final TreeMap<Frontend, DesiredFrontend> frontends = new TreeMap<>();
        /** Which Service holds each frontend, for conflict messages. */
        private final Map<Frontend, ObjectRef> claimedBy = new HashMap<>();
        /** Slices by owning Service (namespace + service-name label), in slice name order. */
        private final Map<ObjectRef, List<EndpointSlice>> slicesByService = new HashMap<>();
        /** Each slice validated once, however many Service ports read it. Null value: not usable. */
        private final Map<ObjectRef, ParsedSlice> parsedSlices = new HashMap<>();

        Run(Snapshot snapshot) {
            this.snapshot = snapshot;
            for (EndpointSlice slice : snapshot.endpointSlices().values()) { // sorted by ref
                if (slice.serviceName() == null || slice.serviceName().isEmpty()) continue;
                slicesByService.computeIfAbsent(new ObjectRef(slice.ref().namespace(), slice.serviceName()),
                        k -> new ArrayList<>()).add(slice);
            }
        }

        DesiredState run() {
            List<Service> services = new ArrayList<>(snapshot.services().values());
            services.sort(CREATION_ORDER);
            for (Service svc : services) service(svc);
            rejections.sort(Rejection.ORDER); // stable: one object's reasons keep their order
            return new DesiredState(new LbState(frontends), rejections);
        }

        private void service(Service svc) {
            if ("ExternalName".equals(svc.type())) return;
            if (svc.labels().containsKey(LABEL_SERVICE_PROXY_NAME)) return;
            if (svc.labels().containsKey(LABEL_HEADLESS)) return;

            List<String> problems = new ArrayList<>();
            List<IpAddress> vips = vips(svc, problems);
            if (vips == null) return; // headless, or no IPv4 address: nothing for Senda
            List<PortSpec> ports = ports(svc, problems);
            if (!problems.isEmpty()) {
                for (String p : problems) reject(svc.ref(), p);
                return;
            }

            List<Frontend> mine = new ArrayList<>();
            for (IpAddress vip : vips) {
                for (PortSpec p : ports) mine.add(new Frontend(vip, p.port(), p.proto(), Scope.EXTERNAL));
            }
            for (Frontend f : mine) {
                ObjectRef holder = claimedBy.get(f);
                if (holder != null) {
                    reject(svc.ref(), "frontend " + f + " is already used by Service " + holder);
                    return;
                }
            }

            for (PortSpec p : ports) {
                List<DesiredBackend> backends = backends(svc.ref(), p);
                ServicePortName spn = new ServicePortName(svc.ref().namespace(), svc.ref().name(), p.name());
                for (IpAddress vip : vips) {
                    Frontend f = new Frontend(vip, p.port(), p.proto(), Scope.EXTERNAL);
                    frontends.put(f, new DesiredFrontend(f, spn, backends));
                    claimedBy.put(f, svc.ref());
                }
            }
        }

        /** The IPv4 VIPs; null when the Service is not one Senda programs; problems for bad literals. */
        private List<IpAddress> vips(Service svc, List<String> problems) {
            LinkedHashSet<String> literals = new LinkedHashSet<>();
            if (svc.clusterIP() != null && !svc.clusterIP().isEmpty()) literals.add(svc.clusterIP());
            literals.addAll(svc.clusterIPs());
            if (literals.contains("None") || "ExternalName".equals(svc.type())) return null; // headless, or DNS only
            if (literals.isEmpty()) {
                // The API server allocates a cluster IP to every other Service; an empty one is a
                // stand-in server's object or an unfinished edit, worth a line in the log.
                problems.add("spec.clusterIP is empty (not allocated; headless Services say \"None\")");
                return List.of();
            }
            List<IpAddress> out = new ArrayList<>();
            for (String literal : literals) {
                if (Addresses.looksLikeIpv6(literal)) continue; // IPv6: a later issue
                var parsed = IpAddress.parse(literal).filter(IpAddress::isIpv4);
                if (parsed.isEmpty()) {
                    problems.add("cluster IP \"" + literal + "\" is not an IPv4 address");
                } else if (!out.contains(parsed.get())) {
                    out.add(parsed.get());
                }
            }
            if (out.isEmpty() && problems.isEmpty()) return null; // IPv6 only
            return out;
        }

        private List<PortSpec> ports(Service svc, List<String> problems) {
            if (svc.ports().isEmpty()) {
                problems.add("no ports");
                return List.of();
            }
            List<PortSpec> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> numbers = new HashSet<>();
            for (int i = 0; i < svc.ports().size(); i++) {
                ServicePort p = svc.ports().get(i);
                String where = "spec.ports[" + i + "]" + (p.name().isEmpty() ? "" : " (\"" + p.name() + "\")");
                Protocol proto = protocol(p.protocol());
                boolean ok = true;
                if (proto == null) {
                    problems.add(where + ": unknown protocol \"" + p.protocol() + "\"");
                    ok = false;
                }
                if (p.port() == null) {
                    problems.add(where + ": no port number");
                    ok = false;
                } else if (p.port() < 1 || p.port() > 0xffff) {
                    problems.add(where + ": port " + p.port() + " is out of range 1..65535");
                    ok = false;
                }
                if (!names.add(p.name())) {
                    problems.add(where + ": duplicate port name \"" + p.name() + "\"");
                    ok = false;
                }
                if (ok && !numbers.add(p.port() + "/" + proto)) {
                    problems.add(where + ": duplicate port " + p.port() + "/" + proto);
                    ok = false;
                }
                if (ok) out.add(new PortSpec(p.name(), p.port(), proto));
            }
            return out;
        }

        /** Endpoint selection for one Service port; see the class comment. */
        private List<DesiredBackend> backends(ObjectRef service, PortSpec port) {
            TreeSet<BackendAddress> ready = new TreeSet<>();
            TreeSet<BackendAddress> terminating = new TreeSet<>();
            for (EndpointSlice slice : slicesByService.getOrDefault(service, List.of())) {
                ParsedSlice parsed = parsedSlices.computeIfAbsent(slice.ref(), r -> parseSlice(slice));
                if (parsed == null) continue;
                Integer target = parsed.ports().get(new PortKey(port.name(), port.proto()));
                if (target == null) continue;
                for (ParsedEndpoint ep : parsed.endpoints()) {
                    BackendAddress b = new BackendAddress(ep.address(), target, port.proto());
                    if (ep.ready()) {
                        ready.add(b);
                    } else if (ep.serving() && ep.terminating()) {
                        terminating.add(b);
                    }
                }
            }
            boolean fallback = ready.isEmpty();
            List<DesiredBackend> out = new ArrayList<>();
            for (BackendAddress b : fallback ? terminating : ready) {
                out.add(new DesiredBackend(b, fallback ? BackendState.TERMINATING : BackendState.ACTIVE));
            }
            return out;
        }

        /** Validates a slice once; null when it holds nothing usable for IPv4 load balancing. */
        private ParsedSlice parseSlice(EndpointSlice slice) {
            String type = slice.addressType();
            if ("IPv6".equals(type) || "FQDN".equals(type)) return null; // not ours (yet)
            if (!IPV4.equals(type)) {
                rejectSlice(slice.ref(), type == null ? "no addressType" : "unknown addressType \"" + type + "\"");
                return null;
            }
            Map<PortKey, Integer> ports = new HashMap<>();
            for (int i = 0; i < slice.ports().size(); i++) {
                SlicePort p = slice.ports().get(i);
                String where = "ports[" + i + "]" + (p.name().isEmpty() ? "" : " (\"" + p.name() + "\")");
                Protocol proto = protocol(p.protocol());
                if (proto == null) {
                    rejectSlice(slice.ref(), where + ": unknown protocol \"" + p.protocol() + "\", skipped");
                } else if (p.port() == null) {
                    rejectSlice(slice.ref(), where + ": no port number, skipped");
                } else if (p.port() < 1 || p.port() > 0xffff) {
                    rejectSlice(slice.ref(), where + ": port " + p.port() + " is out of range 1..65535, skipped");
                } else if (ports.putIfAbsent(new PortKey(p.name(), proto), p.port()) != null) {
                    rejectSlice(slice.ref(), where + ": duplicate port name and protocol, skipped");
                }
            }
            List<ParsedEndpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < slice.endpoints().size(); i++) {
                Endpoint ep = slice.endpoints().get(i);
                if (ep.addresses().isEmpty()) {
                    rejectSlice(slice.ref(), "endpoints[" + i + "]: no addresses, skipped");
                    continue;
                }
                // The API defines the first address as the one consumers use.
                String literal = ep.addresses().getFirst();
                var address = IpAddress.parse(literal).filter(IpAddress::isIpv4);
                if (address.isEmpty()) {
                    rejectSlice(slice.ref(), "endpoints[" + i + "]: address \"" + literal
                            + "\" is not an IPv4 address, skipped");
                    continue;
                }
                EndpointConditions c = ep.conditions();
                // Unset conditions mean ready=true, serving=true, terminating=false (API defaults).
                boolean ready = c.ready() == null || c.ready();
                boolean serving = c.serving() == null || c.serving();
                boolean terminating = c.terminating() != null && c.terminating();
                endpoints.add(new ParsedEndpoint(address.get(), ready, serving, terminating));
            }
            return new ParsedSlice(ports, endpoints);
        }

        private void reject(ObjectRef service, String reason) {
            rejections.add(new Rejection(Rejection.SERVICE, service, reason));
        }

        private void rejectSlice(ObjectRef slice, String reason) {
            rejections.add(new Rejection(Rejection.ENDPOINT_SLICE, slice, reason));
        }
    }

    /** TCP when unset (the API default); null for anything Senda does not balance. */
    static Protocol protocol(String text) {
        if (text == null || text.isEmpty()) return Protocol.TCP;
        return switch (text) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> null;
        };
    }

    private record PortSpec(String name, int port, Protocol proto) {
    }

    private record PortKey(String name, Protocol proto) {
    }

    private record ParsedEndpoint(IpAddress address, boolean ready, boolean serving, boolean terminating) {
    }

    private record ParsedSlice(Map<PortKey, Integer> ports, List<ParsedEndpoint> endpoints) {
    }
}
