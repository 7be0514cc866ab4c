package dev.senda.e2e;

import dev.senda.e2e.NetpolModel.Column;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matrix's truth tables and expectations, without a node. */
class NetpolTruthTest {
    @Test
    void rowsAreClientsAndColumnsServers() {
        NetpolTruth t = NetpolTruth.allowAll().ingress("x/a", false).set("x/b", "x/a", true).egress("z", false);
        assertFalse(t.get(NetpolModel.PodId.of("y/c"), NetpolModel.PodId.of("x/a")));
        assertTrue(t.get(NetpolModel.PodId.of("x/b"), NetpolModel.PodId.of("x/a")));
        assertFalse(t.get(NetpolModel.PodId.of("z/b"), NetpolModel.PodId.of("y/a")));
        assertTrue(t.get(NetpolModel.PodId.of("y/a"), NetpolModel.PodId.of("z/b")));
        String[] lines = t.render().split("\n");
        assertEquals("-\tx/a\tx/b\tx/c\ty/a\ty/b\ty/c\tz/a\tz/b\tz/c\t", lines[0]);
        assertEquals("x/a\tX\t.\t.\t.\t.\t.\t.\t.\t.\t", lines[1]);
        assertEquals("x/b\t.\t.\t.\t.\t.\t.\t.\t.\t.\t", lines[2]);
        assertEquals("z/c\tX\tX\tX\tX\tX\tX\tX\tX\tX\t", lines[9]);
    }

    @Test
    void comparisonMarksWrongCellsAndIgnoresTheDiagonal() {
        NetpolTruth expected = NetpolTruth.allowAll().ingress("x/a", false);
        NetpolTruth observed = NetpolTruth.allowAll().ingress("x/a", false).set("y/b", "x/a", true).set("z/c", "z/c", false);
        assertEquals(1, expected.wrongCells(observed));
        assertFalse(expected.matches(observed));
        String[] lines = expected.compare(observed).split("\n");
        assertEquals("y/b\tX\t.\t.\t.\t.\t.\t.\t.\t.\t", lines[5]);
        assertEquals("z/c\t.\t.\t.\t.\t.\t.\t.\t.\tx\t", lines[9]);
        // a loopback difference alone still matches
        assertTrue(expected.matches(NetpolTruth.allowAll().ingress("x/a", false).set("x/a", "x/a", true)));
    }

    @Test
    void expectationsChangeOnlyTheColumnsNamed() {
        NetpolExpectation e = NetpolExpectation.allowAll()
                .all(t -> t.ingress("x", false))
                .column(Proto.TCP, 81, t -> t.peers(NetpolTruth.select("y"), NetpolTruth.select("x/a"), true));
        assertTrue(e.get(new Column(Proto.TCP, 81)).get(NetpolModel.PodId.of("y/b"), NetpolModel.PodId.of("x/a")));
        assertFalse(e.get(new Column(Proto.TCP, 80)).get(NetpolModel.PodId.of("y/b"), NetpolModel.PodId.of("x/a")));
        assertFalse(e.get(new Column(Proto.UDP, 81)).get(NetpolModel.PodId.of("y/b"), NetpolModel.PodId.of("x/a")));
        Map<Column, NetpolTruth> observed = new LinkedHashMap<>();
        for (Column c : NetpolModel.COLUMNS) observed.put(c, e.get(c).copy());
        assertTrue(e.matches(observed));
        observed.get(new Column(Proto.UDP, 80)).set("y/a", "x/b", true);
        assertFalse(e.matches(observed));
    }

    @Test
    void largeCidrIsTheSlashFourHoldingTheAddress() {
        assertEquals("0.0.0.0/4", NetpolE2e.largeCidr("10.244.17.11"));
        assertEquals("f000::/4", NetpolE2e.largeCidr("fd00:10:244:17::11"));
        assertEquals("10.244.17.11/32", NetpolE2e.host("10.244.17.11"));
        assertEquals("fd00:10:244:17::11/128", NetpolE2e.host("fd00:10:244:17::11"));
    }
}
