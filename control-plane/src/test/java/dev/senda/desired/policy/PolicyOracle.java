package dev.senda.desired.policy;

import dev.senda.desired.Cidr;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import dev.senda.model.Snapshot;
import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A second, naive reading of the policies for tests: for one address, walk every rule of every
 * selecting policy and collect what it allows, without any prefix resolution; then compare with a
 * longest-prefix match on the compiled entries. Addresses probed: every pod IP and, for every entry and
 * every ipBlock, its first and last address and the addresses just outside it.
 */
final class PolicyOracle {
    private PolicyOracle() {
    }

    /** Disagreements, one line each; empty when the compiled state is right on every probed address. */
    static List<String> check(Snapshot snapshot, PolicyState state) {
        PolicyInputs inputs = PolicyInputs.of(snapshot);
        Set<IpAddress> probes = new LinkedHashSet<>();
        for (PolicyInputs.PeerPod p : inputs.pods()) probes.addAll(p.ips());
        for (PolicyEndpoint e : state.endpoints()) {
            for (PolicyDirection d : PolicyDirection.values()) e.rules(d).forEach(r -> edges(r.peer(), probes));
        }
        inputs.policies().values().forEach(list -> list.forEach(pol -> {
            for (PolicyDirection d : PolicyDirection.values()) {
                for (ParsedPolicy.Rule r : pol.rules(d)) {
                    for (ParsedPolicy.Peer peer : r.peers()) {
                        if (peer instanceof ParsedPolicy.BlockPeer b) {
                            edges(b.cidr(), probes);
                            b.except().forEach(x -> edges(x, probes));
                        }
                    }
                }
            }
        }));
        probes.add(IpAddress.parse("203.0.113.77").orElseThrow());
        probes.add(IpAddress.parse("2001:db8::77").orElseThrow());

        List<String> wrong = new ArrayList<>();
        for (PolicyEndpoint e : state.endpoints()) {
            PolicyInputs.PeerPod pod = inputs.pods().stream().filter(p -> p.ref().equals(e.pod())).findFirst().orElseThrow();
            for (PolicyDirection d : PolicyDirection.values()) {
                if (!e.isolated(d)) continue;
                for (IpAddress a : probes) {
                    List<PortRange> expected = PortRanges.merge(direct(inputs, pod, d, a));
                    List<PortRange> actual = lpm(e.rules(d), a);
                    if (!expected.equals(actual)) {
                        wrong.add(e.pod() + " " + d + " " + a + ": expected " + PolicyStateDump.ports(expected)
                                + ", entries give " + PolicyStateDump.ports(actual));
                    }
                }
            }
        }
        return wrong;
    }

    private static void edges(Cidr c, Set<IpAddress> probes) {
        int max = Prefixes.maxBits(c.address().family());
        Cidr n = Prefixes.normalized(c);
        IpAddress first = n.address();
        IpAddress last = add(first, c.bits() == max ? 0 : -1, max - c.bits());
        probes.add(first);
        probes.add(last);
        if (c.bits() > 0) {
            probes.add(add(first, -1, 0));
            probes.add(add(last, 1, 0));
        }
    }

    /** {@code a} plus {@code delta} (-1, 0, 1), or with delta -1 and {@code ones > 0}: a with the low {@code ones} bits set. */
    private static IpAddress add(IpAddress a, int delta, int ones) {
        java.math.BigInteger v = new java.math.BigInteger(1, a.bytes());
        int bytes = a.family().byteLength();
        java.math.BigInteger size = java.math.BigInteger.ONE.shiftLeft(bytes * 8);
        if (ones > 0) v = v.or(java.math.BigInteger.ONE.shiftLeft(ones).subtract(java.math.BigInteger.ONE));
        else v = v.add(java.math.BigInteger.valueOf(delta)).mod(size);
        byte[] raw = v.toByteArray();
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes && i < raw.length; i++) out[bytes - 1 - i] = raw[raw.length - 1 - i];
        return IpAddress.of(out);
    }

    private static List<PortRange> lpm(List<PeerRule> rules, IpAddress a) {
        PeerRule best = null;
        for (PeerRule r : rules) {
            if (r.peer().contains(a) && (best == null || r.peer().bits() > best.peer().bits())) best = r;
        }
        return best == null ? List.of() : best.ports();
    }

    /** What every rule of every selecting policy allows for remote address {@code a}, unmerged. */
    private static List<PortRange> direct(PolicyInputs inputs, PolicyInputs.PeerPod pod, PolicyDirection d, IpAddress a) {
        List<PortRange> out = new ArrayList<>();
        PolicyInputs.PeerPod remote = inputs.pods().stream().filter(p -> p.ips().contains(a)).findFirst().orElse(null);
        for (ParsedPolicy pol : inputs.policiesIn(pod.ref().namespace())) {
            if (pol.podSelector() == null || !Selectors.matches(pol.podSelector(), pod.labels()) || !pol.isolates(d)) continue;
            for (ParsedPolicy.Rule rule : pol.rules(d)) {
                boolean peerMatches = rule.peers().isEmpty();
                for (ParsedPolicy.Peer peer : rule.peers()) {
                    peerMatches |= switch (peer) {
                        case ParsedPolicy.BlockPeer b -> b.cidr().contains(a) && b.except().stream().noneMatch(x -> x.contains(a));
                        case ParsedPolicy.SelectorPeer s -> remote != null && selects(inputs, pol.ref(), s, remote);
                    };
                }
                if (!peerMatches) continue;
                if (rule.ports().isEmpty()) {
                    out.add(PortRange.any(pol.ref()));
                    continue;
                }
                PolicyInputs.PeerPod destination = d == PolicyDirection.INGRESS ? pod : remote;
                for (ParsedPolicy.Port port : rule.ports()) {
                    switch (port) {
                        case ParsedPolicy.NumberPort n -> out.add(new PortRange(n.protocol(), n.first(), n.last(), pol.ref()));
                        case ParsedPolicy.NamedPort n -> {
                            if (destination == null) break;
                            for (Pod.NamedPort cp : destination.ports()) {
                                String proto = cp.protocol() == null ? "TCP" : cp.protocol();
                                if (cp.name().equals(n.name()) && proto.equals(n.protocol().name())) {
                                    out.add(new PortRange(n.protocol(), cp.port(), cp.port(), pol.ref()));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean selects(PolicyInputs inputs, ObjectRef policy, ParsedPolicy.SelectorPeer s, PolicyInputs.PeerPod p) {
        String ns = p.ref().namespace();
        boolean nsOk = s.namespaceSelector() == null ? ns.equals(policy.namespace())
                : Selectors.matches(s.namespaceSelector(), inputs.namespaceLabels(ns));
        return nsOk && (s.podSelector() == null || Selectors.matches(s.podSelector(), p.labels()));
    }

}
