package dev.senda.testbed.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectStatsTest {
    @Test
    void parsesTheClientsReportLine() {
        ConnectStats s = ConnectStats.parse("noise\nconnect ok=1000 failed=0 p50_ns=20000 p99_ns=90000 mean_ns=25000 elapsed_ns=500000000 first_error=-\n");
        assertEquals(new ConnectStats(1000, 0, 20_000, 90_000, 25_000, 500_000_000, "-"), s);
        assertEquals(2000.0, s.connectionsPerSecond(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> ConnectStats.parse("connect ok=x"));
        assertThrows(IllegalArgumentException.class, () -> ConnectStats.parse(""));
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) sorted[i] = i + 1;
        assertEquals(50, ConnectClientMain.percentile(sorted, 50));
        assertEquals(99, ConnectClientMain.percentile(sorted, 99));
        assertEquals(7, ConnectClientMain.percentile(new long[] {7}, 99));
        assertEquals(0, ConnectClientMain.percentile(new long[0], 50));
    }
}
