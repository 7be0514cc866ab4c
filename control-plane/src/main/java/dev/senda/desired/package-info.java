/**
 * Desired load-balancer state: a pure function of the objects (Services, EndpointSlices, Nodes) and
 * of this node ({@link dev.senda.model.NodeInfo}, built by the agent from its own Node object), with
 * {@link dev.senda.desired.DesiredStateCalculator} as the entry point. No I/O, no map or ABI type.
 *
 * <h2>Frontend kinds</h2>
 * Every frontend has a {@link dev.senda.desired.FrontendKind}: ClusterIP, NodePort (one per selected
 * node address of a Service family, on {@code spec.ports[].nodePort}; {@link
 * dev.senda.desired.NodePortAddresses} selects the addresses, {@code --nodeport-addresses}),
 * LoadBalancer ({@code status.loadBalancer.ingress[].ip} of ipMode VIP or unset) and ExternalIP
 * ({@code spec.externalIPs}). The kind is carried on {@link dev.senda.desired.DesiredFrontend}, not in
 * the frontend's identity ({@link dev.senda.desired.Frontend}, the map key): one address:port/proto
 * has one owner and one kind, and two Services claiming it conflict whatever their kinds. The
 * reconciler encodes the kind in the header's flags ({@code reconcile.LbEncoding}), for inspection.
 *
 * <h2>Scopes: two backend sets for one address</h2>
 * The map key has a scope, EXTERNAL or INTERNAL ({@link dev.senda.desired.FrontendScope}). The
 * decision, after Cilium's two-scope design and kube-proxy's semantics:
 * <ul>
 *   <li>EXTERNAL is the scope every frontend has and every datapath lookup starts with.</li>
 *   <li>ClusterIP frontends have only EXTERNAL. internalTrafficPolicy picks its set: Local gives the
 *   local endpoints, Cluster (or unset) the cluster endpoints. Cluster-IP traffic is in-cluster by
 *   definition, so there is no second set to tell apart.</li>
 *   <li>NodePort, LoadBalancer and ExternalIP frontends follow externalTrafficPolicy. Cluster: one
 *   frontend, EXTERNAL, cluster set. Local: EXTERNAL holds the local set (traffic from outside the
 *   cluster must not leave the node, to keep its source address), and a second frontend at the same
 *   address:port/proto in scope INTERNAL holds the cluster set, for traffic that starts on this node
 *   (its pods and the host): kube-proxy sends that to every endpoint too, so a pod reaching a
 *   load-balancer IP works on nodes without local endpoints. internalTrafficPolicy does not apply to
 *   them (as in kube-proxy).</li>
 *   <li>The datapath rule that follows ({@code bpf/lib/lb_select.h}): an EXTERNAL frontend with an
 *   INTERNAL sibling says so ({@link dev.senda.desired.DesiredFrontend#twoScopes()}); traffic from a
 *   local pod or the host then uses the INTERNAL one, traffic from outside the EXTERNAL one. A
 *   node-local set that is empty while the Service has endpoints elsewhere is marked
 *   {@link dev.senda.desired.DesiredFrontend#dropWhenEmpty()}: kube-proxy drops such traffic (no
 *   reset, no ICMP), so the datapath drops it rather than reject as it does for a Service without
 *   any endpoint.</li>
 * </ul>
 * Endpoint sets fall back to serving-and-terminating endpoints each on its own
 * ({@link dev.senda.desired.EndpointCategorizer}): the local set can drain while the cluster set has
 * ready endpoints, in all four policy combinations. Topology hints narrow the cluster set only
 * ({@link dev.senda.desired.TopologyMode}): to the endpoints hinted for this node, else for its zone,
 * else not at all, decided from the ready endpoints' hints exactly as kube-proxy decides; the Service's
 * trafficDistribution is the EndpointSlice controller's input, not Senda's.
 *
 * <h2>Source ranges</h2>
 * {@code spec.loadBalancerSourceRanges} restrict the LoadBalancer frontends (both scopes) of a Service
 * to sources in the ranges of the frontend's family, as kube-proxy applies them
 * ({@link dev.senda.desired.SourceRanges}); {@link dev.senda.desired.DesiredFrontend#sourceRanges()}
 * carries them, empty meaning any source.
 *
 * <h2>Bad input</h2>
 * A Service whose cluster IPs, ports, type or traffic policies do not validate is rejected as a whole.
 * A bad external part (a node port, an ingress or external IP, a source range) is left out alone with
 * a rejection naming the Service and the part ({@link dev.senda.desired.ExternalAddressesParser}); an
 * ingress IP that is a node's or a pod's address is left out too. Two Services on one frontend or one
 * node port/protocol: the older keeps it ({@link dev.senda.desired.ConflictResolver}).
 */
package dev.senda.desired;
