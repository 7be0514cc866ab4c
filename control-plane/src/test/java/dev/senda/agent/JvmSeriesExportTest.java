package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmSeriesExportTest {
    @Test
    void theSeriesAreExportedOnceAtTheFirstSync() throws Exception {
        JvmSeriesExport export = new JvmSeriesExport(60_000);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        export.start(() -> {
            runs.incrementAndGet();
            ran.countDown();
        });
        export.start(runs::incrementAndGet); // a second start does nothing
        assertFalse(ran.await(100, TimeUnit.MILLISECONDS), "exported before the first sync");
        export.firstSyncDone();
        assertTrue(ran.await(10, TimeUnit.SECONDS), "not exported after the first sync");
        export.waiting().join(10_000);
        export.firstSyncDone();
        assertEquals(1, runs.get());
    }

    @Test
    void withoutAFirstSyncTheSeriesComeAtTheDeadline() throws Exception {
        JvmSeriesExport export = new JvmSeriesExport(200);
        CountDownLatch ran = new CountDownLatch(1);
        long t0 = System.nanoTime();
        export.start(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS), "not exported at the deadline");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "exported before the deadline");
    }

    @Test
    void aStoppedAgentExportsNothing() throws Exception {
        JvmSeriesExport export = new JvmSeriesExport(60_000);
        AtomicInteger runs = new AtomicInteger();
        export.start(runs::incrementAndGet);
        export.cancel();
        export.waiting().join(10_000);
        assertFalse(export.waiting().isAlive());
        assertEquals(0, runs.get());
    }
}
