package dev.senda.agent;

import dev.senda.test.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapTrimTest {
    @Test
    void collectsOnceAtTheFirstSyncAndNeverAgain() {
        AtomicInteger collections = new AtomicInteger();
        HeapTrim trim = new HeapTrim(collections::incrementAndGet, 0);
        assertFalse(trim.done());
        trim.afterFirstSync();
        assertTrue(trim.done());
        trim.afterFirstSync();
        trim.afterFirstSync();
        Poll.until(Duration.ofSeconds(10), () -> collections.get() == 1, "the collection after the first sync", collections::get);
        assertEquals(1, collections.get(), "later syncs are small and incremental: no more pauses");
    }

    @Test
    void concurrentFirstCallsCollectOnce() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        HeapTrim trim = new HeapTrim(collections::incrementAndGet, 0);
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) threads[i] = Thread.ofPlatform().start(trim::afterFirstSync);
        for (Thread t : threads) t.join(5_000);
        Poll.until(Duration.ofSeconds(10), () -> collections.get() == 1, "the collection after the first sync", collections::get);
        assertEquals(1, collections.get());
    }

    @Test
    void aStoppedAgentDropsTheCollectionStillWaiting() {
        AtomicInteger collections = new AtomicInteger();
        HeapTrim trim = new HeapTrim(collections::incrementAndGet, 60_000);
        trim.afterFirstSync();
        trim.cancel();
        Poll.until(Duration.ofSeconds(10), () -> !trim.pending().isAlive(), "the waiting thread to end", trim::pending);
        assertEquals(0, collections.get());
        trim.afterFirstSync();
        assertEquals(0, collections.get(), "cancelled for good");
    }
}
