package dev.senda.desired;

import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrontendTest {
    private static Frontend fe(String ip, int port, L4Protocol proto, FrontendScope scope) {
        return new Frontend(IpAddress.parse(ip).orElseThrow(), port, proto, scope);
    }

    @Test
    void textNamesTheFamilyTheWayPeopleWriteIt() {
        assertEquals("10.96.0.10:80/TCP", fe("10.96.0.10", 80, L4Protocol.TCP, FrontendScope.EXTERNAL).toString());
        assertEquals("[fd00:96::a]:53/UDP (INTERNAL)",
                fe("fd00:96:0:0::a", 53, L4Protocol.UDP, FrontendScope.INTERNAL).toString());
        assertEquals("[fd00:10:244::5]:8080/SCTP",
                new BackendAddress(IpAddress.parse("fd00:10:244::5").orElseThrow(), 8080, L4Protocol.SCTP).toString());
    }

    @Test
    void orderIsIpv4FirstNumericThenPortProtocolScope() {
        List<Frontend> sorted = List.of(
                fe("9.255.255.255", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                fe("10.0.0.2", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                fe("10.0.0.10", 53, L4Protocol.UDP, FrontendScope.EXTERNAL),
                fe("10.0.0.10", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                fe("10.0.0.10", 80, L4Protocol.TCP, FrontendScope.INTERNAL),
                fe("10.0.0.10", 80, L4Protocol.UDP, FrontendScope.EXTERNAL),
                fe("10.0.0.10", 80, L4Protocol.SCTP, FrontendScope.EXTERNAL),
                fe("255.255.255.255", 1, L4Protocol.TCP, FrontendScope.EXTERNAL),
                fe("::1", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                fe("fd00::2", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                fe("fd00::10", 80, L4Protocol.TCP, FrontendScope.EXTERNAL));
        List<Frontend> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.sort(null);
        assertEquals(sorted, shuffled);
    }

    /** The written-out {@code compareTo} and the composed {@link Frontend#order} agree on every pair. */
    @Test
    void writtenOutOrderEqualsTheComposedOne() {
        List<Frontend> all = new ArrayList<>();
        for (String ip : List.of("9.255.255.255", "10.0.0.2", "10.0.0.10", "::1", "fd00::2")) {
            for (int port : new int[] {1, 80, 65535}) {
                for (L4Protocol proto : L4Protocol.values()) {
                    for (FrontendScope scope : FrontendScope.values()) all.add(fe(ip, port, proto, scope));
                }
            }
        }
        for (Frontend a : all) {
            for (Frontend b : all) {
                assertEquals(Integer.signum(Frontend.composedOrder().compare(a, b)), Integer.signum(a.compareTo(b)),
                        a + " against " + b);
            }
        }
    }

    /** Another type carrying the four fields sorts the same way through {@link Frontend#order}. */
    @Test
    void orderForOtherKeyTypesAgrees() {
        record Key(String ip, int port, L4Protocol proto, FrontendScope scope) {
        }
        var order = Frontend.<Key>order(k -> IpAddress.parse(k.ip()).orElseThrow(), Key::port, Key::proto, Key::scope);
        List<Key> keys = new ArrayList<>(List.of(new Key("fd00::1", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                new Key("10.0.0.10", 80, L4Protocol.TCP, FrontendScope.EXTERNAL),
                new Key("10.0.0.9", 443, L4Protocol.TCP, FrontendScope.EXTERNAL)));
        keys.sort(order);
        assertEquals(List.of("10.0.0.9", "10.0.0.10", "fd00::1"), keys.stream().map(Key::ip).toList());
    }

    @Test
    void aFrontendsBackendsShareItsFamily() {
        Frontend v6 = fe("fd00::1", 80, L4Protocol.TCP, FrontendScope.EXTERNAL);
        DesiredBackend v4 = new DesiredBackend(
                new BackendAddress(IpAddress.parse("10.0.0.1").orElseThrow(), 80, L4Protocol.TCP), EndpointState.ACTIVE);
        assertThrows(IllegalArgumentException.class,
                () -> new DesiredFrontend(v6, new ServicePortName("ns", "a", ""), List.of(v4)));
    }
}
