package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapTrimTest {
    @Test
    void collectsOnceAtTheFirstSyncAndNeverAgain() {
        AtomicInteger collections = new AtomicInteger();
        HeapTrim trim = new HeapTrim(collections::incrementAndGet);
        assertFalse(trim.done());
        trim.afterFirstSync();
        assertTrue(trim.done());
        trim.afterFirstSync();
        trim.afterFirstSync();
        assertEquals(1, collections.get(), "later syncs are small and incremental: no more pauses");
    }

    @Test
    void concurrentFirstCallsCollectOnce() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        HeapTrim trim = new HeapTrim(collections::incrementAndGet);
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) threads[i] = Thread.ofPlatform().start(trim::afterFirstSync);
        for (Thread t : threads) t.join(5_000);
        assertEquals(1, collections.get());
    }
}
