package dev.senda.desired.policy;

import dev.senda.desired.Rejection;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import dev.senda.model.Snapshot;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.source.Kinds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * NetworkPolicy compiler (networking.k8s.io/v1 semantics). Entry points: for the agent's sync, one
 * long-lived instance and {@link #update} per sync (same answer as {@link #compile}, but reusing what did
 * not change); {@link #compile} for a one-off pure computation; {@link #explain} for {@code senda policy
 * get}. Deterministic: the same snapshot always gives the same result; it reads only the Pod, Namespace
 * and NetworkPolicy kinds.
 *
 * <p>Semantics, per pod that takes part ({@link PolicyInputs.PeerPod}):
 * <ul>
 *   <li>Isolated in a direction when some policy of its namespace selects it (podSelector) and has that
 *   direction in its policyTypes (absent policyTypes: Ingress, plus Egress when it has egress rules).
 *   What is allowed is the union of the rules of that direction of every such policy.</li>
 *   <li>Peers: no peers = every address (0.0.0.0/0 and ::/0); podSelector alone = pods of the policy's
 *   namespace; namespaceSelector = pods of the selected namespaces, narrowed by a podSelector in the same
 *   peer (AND); separate peers add up (OR); an empty selector selects all. Peer pods are those that take
 *   part, on any node, with every IP as a host prefix. ipBlock = its CIDR minus its excepts.</li>
 *   <li>Ports: none = every protocol and port ({@link PolicyProtocol#ANY}); a port without protocol is
 *   TCP; a port without number is every port of the protocol; endPort makes a range; a named port is
 *   the container port of that name and protocol of the destination pod (ingress: the selected pod
 *   itself; egress: each peer pod, giving per-pod host entries), and matches nothing where no such port
 *   exists.</li>
 *   <li>Overlaps (a pod IP inside a block, blocks inside blocks, excepts) are resolved by
 *   {@link PrefixResolver}, so the datapath needs only a longest-prefix match.</li>
 *   <li>Bad input is refused piecewise by {@link PolicyParser}; the refusal never widens what is
 *   allowed, and the policy keeps isolating what it selects.</li>
 * </ul>
 */
public final class PolicyCompiler {
    /**
     * Resolutions of the last {@link #update}, by the grants they were computed from: an endpoint whose
     * grants are unchanged (or equal to another endpoint's, as for the replicas of one Deployment) is not
     * resolved again.
     */
    private Map<GrantsKey, List<PrefixResolver.Resolved>> memo = new HashMap<>();
    private int lastResolutions;
    /** The previous call's arguments and answer, for a call with the same objects. */
    private Snapshot lastInputs;
    private String lastNode;
    private PolicyState last;

    /** A list of grants as a map key, its hash computed once (the lists can be long). */
    private record GrantsKey(List<PrefixResolver.Grant> grants, int hash) {
        GrantsKey(List<PrefixResolver.Grant> grants) {
            this(grants, grants.hashCode());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GrantsKey k && hash == k.hash && grants.equals(k.grants);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** One compile: the inputs, per-rule caches, and the resolutions used (the next memo). */
    private static final class Run {
        final PolicyInputs inputs;
        final Map<GrantsKey, List<PrefixResolver.Resolved>> previous;
        final Map<GrantsKey, List<PrefixResolver.Resolved>> used = new HashMap<>();
        /** Pods chosen by each selector peer (peers are per-policy objects, hence identity). */
        final Map<ParsedPolicy.SelectorPeer, List<PolicyInputs.PeerPod>> selected = new IdentityHashMap<>();
        /** A rule's grants, which depend on the local pod only through its named ports (ingress). */
        final Map<ParsedPolicy.Rule, Map<List<Pod.NamedPort>, List<PrefixResolver.Grant>>> ruleGrants =
                new IdentityHashMap<>();
        /** How many endpoint-directions were resolved rather than reused. */
        int resolutions;

        Run(PolicyInputs inputs, Map<GrantsKey, List<PrefixResolver.Resolved>> previous) {
            this.inputs = inputs;
            this.previous = previous;
        }

        List<PrefixResolver.Resolved> resolve(List<PrefixResolver.Grant> grants) {
            GrantsKey key = new GrantsKey(grants);
            List<PrefixResolver.Resolved> r = used.get(key);
            if (r != null) return r;
            r = previous.get(key);
            if (r == null) {
                r = PrefixResolver.resolve(grants);
                resolutions++;
            }
            used.put(key, r);
            return r;
        }
    }

    /** A compiler that reuses its previous results where their inputs did not change ({@link #update}). */
    public PolicyCompiler() {
    }

    /**
     * As {@link #compile}, with the same result, but an endpoint whose grants (the prefixes and ranges its
     * selecting policies allow, after selectors and named ports were evaluated) equal those of the
     * previous call, or of another endpoint, reuses that resolution instead of computing it again: a pod
     * label, pod IP, named port or namespace label change re-resolves only the endpoints it affects. For
     * the agent's sync, which calls it from one thread at a time.
     */
    public synchronized PolicyState update(Snapshot snapshot, String nodeName) {
        if (last != null && nodeName.equals(lastNode) && samePolicyObjects(lastInputs, snapshot)) {
            lastResolutions = 0; // a periodic resync, or a change of Services only
            return last;
        }
        Run run = new Run(PolicyInputs.of(snapshot), memo);
        PolicyState state = compile(run, nodeName);
        memo = run.used; // only what this call used: memory stays bounded by the current state
        lastResolutions = run.resolutions;
        last = state;
        lastNode = nodeName;
        lastInputs = snapshot;
        return state;
    }

    /** Whether the two hold the same Pods, Namespaces and NetworkPolicies (all the compiler reads). */
    private static boolean samePolicyObjects(Snapshot a, Snapshot b) {
        return a.all(Kinds.POD).equals(b.all(Kinds.POD)) && a.all(Kinds.NAMESPACE).equals(b.all(Kinds.NAMESPACE))
                && a.all(Kinds.NETWORK_POLICY).equals(b.all(Kinds.NETWORK_POLICY));
    }

    /** How many endpoint-directions the last {@link #update} resolved anew (the rest were reused); for tests. */
    synchronized int lastResolutions() {
        return lastResolutions;
    }

    /**
     * The policy this node enforces: one {@link PolicyEndpoint} per pod of {@code nodeName} that takes
     * part (not hostNetwork, with an IP, not finished), isolated or not, sorted by pod; and every
     * rejection of every policy.
     *
     * @param snapshot every Pod, Namespace and NetworkPolicy the source delivered
     * @param nodeName this node's name, as in the pods' {@code spec.nodeName}
     */
    public static PolicyState compile(Snapshot snapshot, String nodeName) {
        return compile(new Run(PolicyInputs.of(snapshot), Map.of()), nodeName);
    }

    private static PolicyState compile(Run run, String nodeName) {
        Objects.requireNonNull(nodeName, "nodeName");
        List<PolicyEndpoint> endpoints = new ArrayList<>();
        for (PolicyInputs.PeerPod pod : run.inputs.pods()) {
            if (nodeName.equals(pod.nodeName())) endpoints.add(endpoint(run, pod).endpoint());
        }
        List<Rejection> rejections = new ArrayList<>();
        run.inputs.rejections().values().forEach(rejections::addAll);
        return new PolicyState(endpoints, rejections);
    }

    /**
     * Why {@code pod} is treated as it is, wherever it runs; empty when the snapshot has no such pod.
     * The entries are exactly those {@link #compile} gives the pod's node.
     */
    public static Optional<PolicyExplanation> explain(Snapshot snapshot, ObjectRef pod) {
        Pod p = snapshot.all(Kinds.POD).get(pod);
        if (p == null) return Optional.empty();
        PolicyInputs inputs = PolicyInputs.of(snapshot);
        List<Rejection> rejections = new ArrayList<>();
        for (ParsedPolicy policy : inputs.policiesIn(pod.namespace())) {
            boolean selects = policy.podSelector() == null || Selectors.matches(policy.podSelector(), p.labels());
            if (selects) rejections.addAll(inputs.rejections().getOrDefault(policy.ref(), List.of()));
        }
        Optional<String> excluded = PolicyInputs.PeerPod.excluded(p);
        if (excluded.isPresent()) {
            List<IpAddress> ips = new ArrayList<>();
            for (String s : p.podIPs()) IpAddress.parse(s).ifPresent(ips::add);
            return Optional.of(new PolicyExplanation(pod, p.nodeName(), ips, excluded.get(), List.of(), rejections));
        }
        PolicyInputs.PeerPod peer = PolicyInputs.PeerPod.of(p).orElseThrow();
        Compiled compiled = endpoint(new Run(inputs, Map.of()), peer);
        List<PolicyExplanation.Direction> directions = new ArrayList<>();
        for (PolicyDirection d : PolicyDirection.values()) {
            List<PolicyExplanation.Entry> entries = new ArrayList<>();
            for (PrefixResolver.Resolved r : compiled.resolved(d)) {
                entries.add(new PolicyExplanation.Entry(r.peer(), r.merged(), r.contributions()));
            }
            directions.add(new PolicyExplanation.Direction(d, compiled.isolatedBy(d), entries));
        }
        return Optional.of(new PolicyExplanation(pod, p.nodeName(), peer.ips(), null, directions, rejections));
    }

    /** One pod's result with what the explanation needs. */
    private record Compiled(PolicyEndpoint endpoint, List<ObjectRef> ingressBy, List<ObjectRef> egressBy,
                            List<PrefixResolver.Resolved> ingress, List<PrefixResolver.Resolved> egress) {
        List<ObjectRef> isolatedBy(PolicyDirection d) {
            return d == PolicyDirection.INGRESS ? ingressBy : egressBy;
        }

        List<PrefixResolver.Resolved> resolved(PolicyDirection d) {
            return d == PolicyDirection.INGRESS ? ingress : egress;
        }
    }

    private static Compiled endpoint(Run run, PolicyInputs.PeerPod pod) {
        List<ParsedPolicy> selecting = new ArrayList<>();
        for (ParsedPolicy policy : run.inputs.policiesIn(pod.ref().namespace())) {
            if (policy.podSelector() != null && Selectors.matches(policy.podSelector(), pod.labels())) {
                selecting.add(policy);
            }
        }
        List<ObjectRef> ingressBy = isolating(selecting, PolicyDirection.INGRESS);
        List<ObjectRef> egressBy = isolating(selecting, PolicyDirection.EGRESS);
        List<PrefixResolver.Resolved> ingress = ingressBy.isEmpty() ? List.of()
                : run.resolve(grants(run, pod, selecting, PolicyDirection.INGRESS));
        List<PrefixResolver.Resolved> egress = egressBy.isEmpty() ? List.of()
                : run.resolve(grants(run, pod, selecting, PolicyDirection.EGRESS));
        PolicyEndpoint endpoint = new PolicyEndpoint(pod.ref(), pod.ips(), !ingressBy.isEmpty(), !egressBy.isEmpty(),
                rules(ingress), rules(egress));
        return new Compiled(endpoint, ingressBy, egressBy, ingress, egress);
    }

    private static List<ObjectRef> isolating(List<ParsedPolicy> selecting, PolicyDirection d) {
        return selecting.stream().filter(p -> p.isolates(d)).map(ParsedPolicy::ref).toList();
    }

    private static List<PeerRule> rules(List<PrefixResolver.Resolved> resolved) {
        return resolved.stream().map(r -> new PeerRule(r.peer(), r.merged())).toList();
    }

    /** Every allowance of {@code d} for {@code pod}, by every selecting policy. */
    private static List<PrefixResolver.Grant> grants(Run run, PolicyInputs.PeerPod pod, List<ParsedPolicy> selecting,
                                                     PolicyDirection d) {
        List<PrefixResolver.Grant> out = new ArrayList<>();
        for (ParsedPolicy policy : selecting) {
            if (!policy.isolates(d)) continue;
            for (ParsedPolicy.Rule rule : policy.rules(d)) {
                // Only an ingress rule with a named port depends on the local pod (its own ports).
                boolean local = d == PolicyDirection.INGRESS
                        && rule.ports().stream().anyMatch(p -> p instanceof ParsedPolicy.NamedPort);
                out.addAll(run.ruleGrants.computeIfAbsent(rule, k -> new HashMap<>())
                        .computeIfAbsent(local ? pod.ports() : List.of(), k -> {
                            List<PrefixResolver.Grant> g = new ArrayList<>();
                            ruleGrants(run, pod, policy, rule, d, g);
                            return List.copyOf(g);
                        }));
            }
        }
        return out;
    }

    private static void ruleGrants(Run run, PolicyInputs.PeerPod pod, ParsedPolicy policy, ParsedPolicy.Rule rule,
                                   PolicyDirection d, List<PrefixResolver.Grant> out) {
        ObjectRef ref = policy.ref();
        boolean hasNamed = rule.ports().stream().anyMatch(p -> p instanceof ParsedPolicy.NamedPort);
        // Ports that do not depend on the remote pod: numbers always, names too for ingress (they are
        // the local pod's own ports).
        List<PortRange> fixed = rule.ports().isEmpty() ? List.of(PortRange.any(ref))
                : resolve(rule.ports(), d == PolicyDirection.INGRESS ? pod : null, ref);
        List<ParsedPolicy.Peer> peers = rule.peers().isEmpty()
                ? List.of(new ParsedPolicy.BlockPeer(Prefixes.everything(IpFamily.IPV4), List.of()),
                new ParsedPolicy.BlockPeer(Prefixes.everything(IpFamily.IPV6), List.of()))
                : rule.peers();
        for (ParsedPolicy.Peer peer : peers) {
            switch (peer) {
                case ParsedPolicy.SelectorPeer s -> {
                    for (PolicyInputs.PeerPod remote : selected(run, policy, s)) {
                        List<PortRange> ports = d == PolicyDirection.EGRESS && hasNamed
                                ? resolve(rule.ports(), remote, ref) : fixed;
                        hostGrants(remote, ports, out);
                    }
                }
                case ParsedPolicy.BlockPeer b -> {
                    if (!fixed.isEmpty()) out.add(new PrefixResolver.Grant(b.cidr(), b.except(), fixed));
                    if (d == PolicyDirection.EGRESS && hasNamed) {
                        // A named port to a block: the pods inside the block (not in an except) that
                        // have such a port, each on its own port number.
                        for (PolicyInputs.PeerPod remote : run.inputs.pods()) {
                            List<PortRange> named = resolveNamed(rule.ports(), remote, ref);
                            if (named.isEmpty()) continue;
                            for (IpAddress ip : remote.ips()) {
                                if (b.cidr().contains(ip) && b.except().stream().noneMatch(e -> e.contains(ip))) {
                                    out.add(new PrefixResolver.Grant(Prefixes.host(ip), List.of(), named));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void hostGrants(PolicyInputs.PeerPod remote, List<PortRange> ports, List<PrefixResolver.Grant> out) {
        if (ports.isEmpty()) return;
        for (IpAddress ip : remote.ips()) out.add(new PrefixResolver.Grant(Prefixes.host(ip), List.of(), ports));
    }

    /**
     * The ranges of {@code ports}: numbers as they are, names resolved on {@code namedOn} (skipped when
     * null: they are resolved per remote pod instead).
     */
    private static List<PortRange> resolve(List<ParsedPolicy.Port> ports, PolicyInputs.PeerPod namedOn, ObjectRef ref) {
        List<PortRange> out = new ArrayList<>();
        for (ParsedPolicy.Port p : ports) {
            if (p instanceof ParsedPolicy.NumberPort n) out.add(new PortRange(n.protocol(), n.first(), n.last(), ref));
        }
        if (namedOn != null) out.addAll(resolveNamed(ports, namedOn, ref));
        return out;
    }

    /** The named entries of {@code ports} as {@code pod}'s container ports of that name and protocol. */
    private static List<PortRange> resolveNamed(List<ParsedPolicy.Port> ports, PolicyInputs.PeerPod pod, ObjectRef ref) {
        List<PortRange> out = new ArrayList<>();
        for (ParsedPolicy.Port p : ports) {
            if (!(p instanceof ParsedPolicy.NamedPort n)) continue;
            for (Pod.NamedPort cp : pod.ports()) {
                if (!n.name().equals(cp.name()) || cp.port() == null || cp.port() < 1 || cp.port() > 65535) continue;
                Optional<PolicyProtocol> proto = PolicyParser.protocol(cp.protocol());
                if (proto.isPresent() && proto.get() == n.protocol()) {
                    out.add(new PortRange(n.protocol(), cp.port(), cp.port(), ref));
                }
            }
        }
        return out;
    }

    /** The pods a selector peer of {@code policy} chooses (podSelector alone: the policy's namespace). */
    private static List<PolicyInputs.PeerPod> selected(Run run, ParsedPolicy policy, ParsedPolicy.SelectorPeer peer) {
        PolicyInputs inputs = run.inputs;
        return run.selected.computeIfAbsent(peer, k -> {
            List<PolicyInputs.PeerPod> out = new ArrayList<>();
            for (PolicyInputs.PeerPod p : inputs.pods()) {
                String ns = p.ref().namespace();
                boolean nsOk = peer.namespaceSelector() == null
                        ? ns.equals(policy.ref().namespace())
                        : Selectors.matches(peer.namespaceSelector(), inputs.namespaceLabels(ns));
                if (nsOk && (peer.podSelector() == null || Selectors.matches(peer.podSelector(), p.labels()))) {
                    out.add(p);
                }
            }
            return out;
        });
    }
}
