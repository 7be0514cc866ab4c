package dev.senda.desired.policy;

import dev.senda.desired.Cidr;
import dev.senda.model.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrefixResolverTest {
    private static final ObjectRef P = new ObjectRef("x", "p");
    private static final ObjectRef Q = new ObjectRef("x", "q");

    private static Cidr cidr(String s) {
        return Prefixes.normalized(Cidr.parse(s).orElseThrow());
    }

    private static PortRange tcp(int port, ObjectRef policy) {
        return new PortRange(PolicyProtocol.TCP, port, port, policy);
    }

    private static PrefixResolver.Grant grant(String prefix, List<String> except, PortRange... ports) {
        return new PrefixResolver.Grant(cidr(prefix), except.stream().map(PrefixResolverTest::cidr).toList(), List.of(ports));
    }

    private static List<PeerRule> resolve(PrefixResolver.Grant... grants) {
        return PrefixResolver.resolve(List.of(grants)).stream().map(r -> new PeerRule(r.peer(), r.merged())).toList();
    }

    @Test
    void anExceptBecomesADenyEntryAndAnInnerGrantInsideItGetsOnlyItsOwnPorts() {
        assertEquals(List.of(
                        new PeerRule(cidr("10.0.0.0/8"), List.of(tcp(80, P))),
                        new PeerRule(cidr("10.1.0.0/16"), List.of()),
                        new PeerRule(cidr("10.1.2.0/24"), List.of(tcp(443, Q)))),
                resolve(grant("10.0.0.0/8", List.of("10.1.0.0/16"), tcp(80, P)),
                        grant("10.1.2.0/24", List.of(), tcp(443, Q))));
    }

    @Test
    void aPrefixInsideTwoGrantsGetsTheUnion() {
        assertEquals(List.of(
                        new PeerRule(cidr("10.0.0.0/8"), List.of(tcp(80, P))),
                        new PeerRule(cidr("10.0.0.5/32"), List.of(tcp(80, P), tcp(443, Q)))),
                resolve(grant("10.0.0.0/8", List.of(), tcp(80, P)), grant("10.0.0.5/32", List.of(), tcp(443, Q))));
    }

    @Test
    void anEntryEqualToItsEnclosingOneOrADenyWithNothingAroundIsLeftOut() {
        assertEquals(List.of(new PeerRule(cidr("10.0.0.0/8"), List.of(tcp(80, P)))),
                resolve(grant("10.0.0.0/8", List.of(), tcp(80, P)), grant("10.0.0.5/32", List.of(), tcp(80, P))));
        // An except of one grant that another grant re-allows in full is not a deny.
        assertEquals(List.of(new PeerRule(cidr("10.0.0.0/8"), List.of(tcp(80, P)))),
                resolve(grant("10.0.0.0/8", List.of("10.1.0.0/16"), tcp(80, P)), grant("10.0.0.0/8", List.of(), tcp(80, P))));
    }

    @Test
    void familiesNeverMix() {
        assertEquals(List.of(
                        new PeerRule(cidr("0.0.0.0/0"), List.of(tcp(80, P))),
                        new PeerRule(cidr("fd00::1/128"), List.of(tcp(443, Q)))),
                resolve(grant("0.0.0.0/0", List.of(), tcp(80, P)), grant("fd00::1/128", List.of(), tcp(443, Q))));
    }

    @Test
    void portRangesMergePerProtocolKeepingTheFirstPolicyAndAnySubsumesAll() {
        assertEquals(List.of(new PortRange(PolicyProtocol.TCP, 80, 90, P), new PortRange(PolicyProtocol.UDP, 80, 80, Q)),
                PortRanges.merge(List.of(new PortRange(PolicyProtocol.TCP, 85, 90, P), tcp(80, Q),
                        new PortRange(PolicyProtocol.TCP, 81, 84, Q), new PortRange(PolicyProtocol.UDP, 80, 80, Q))));
        assertEquals(List.of(tcp(80, Q), tcp(82, P)), PortRanges.merge(List.of(tcp(82, P), tcp(80, Q))), "81 is not allowed");
        assertEquals(List.of(PortRange.any(Q)), PortRanges.merge(List.of(tcp(80, P), PortRange.any(Q))));
    }
}
