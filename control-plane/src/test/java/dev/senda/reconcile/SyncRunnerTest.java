package dev.senda.reconcile;

import dev.senda.test.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SyncRunner} on its real thread; timing rules themselves are in {@link SyncRunnerScheduleTest}. */
class SyncRunnerTest {
    static final Duration BOUND = Duration.ofSeconds(10);
    final List<SyncReport> reports = Collections.synchronizedList(new ArrayList<>());

    List<SyncReport> reports() {
        synchronized (reports) {
            return List.copyOf(reports);
        }
    }

    @Test
    void aBurstDuringASyncIsHandledByExactlyOneMoreSync() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        SyncRunner.Settings settings = new SyncRunner.Settings(Duration.ofMillis(20), Duration.ofHours(1),
                Duration.ofMillis(10), Duration.ofMillis(100));
        try (SyncRunner runner = new SyncRunner("test-sync", reason -> {
            if (calls.incrementAndGet() == 1) {
                firstStarted.countDown();
                assertTrue(release.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            }
            return SyncResult.success(true);
        }, settings, reports::add)) {
            runner.start();
            runner.requestSync();
            assertTrue(firstStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            long burstStart = System.nanoTime();
            for (int i = 0; i < 100; i++) runner.requestSync();
            long released = System.nanoTime();
            release.countDown();
            Poll.until(BOUND, () -> reports().size() == 2, () -> "reports: " + reports());
            Poll.holds(Duration.ofMillis(300), () -> reports().size() == 2, () -> "extra syncs: " + reports());
            SyncReport second = reports().get(1);
            assertEquals(SyncReason.REQUESTED, second.reason());
            Duration latency = second.programmingLatency().orElseThrow();
            assertTrue(latency.toNanos() >= released - burstStart, "latency counts from the burst's first request");
            assertTrue(latency.compareTo(second.duration()) >= 0);
            assertEquals(2, calls.get());
        }
    }

    @Test
    void withoutRequestsItResyncsPeriodically() {
        SyncRunner.Settings settings = new SyncRunner.Settings(Duration.ofMillis(5), Duration.ofMillis(40),
                Duration.ofMillis(10), Duration.ofMillis(100));
        try (SyncRunner runner = new SyncRunner("test-sync", reason -> SyncResult.success(true), settings, reports::add)) {
            runner.start();
            Poll.until(BOUND, () -> reports().size() >= 3, () -> "reports: " + reports());
        }
        for (SyncReport r : reports()) {
            assertEquals(SyncReason.PERIODIC, r.reason());
            assertTrue(r.programmingLatency().isEmpty(), "nothing was requested, so no latency");
        }
    }

    @Test
    void failedSyncsAreRetriedWithGrowingBackoff() {
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        SyncRunner.Settings settings = new SyncRunner.Settings(Duration.ofMillis(1), Duration.ofHours(1),
                Duration.ofMillis(30), Duration.ofMillis(60));
        try (SyncRunner runner = new SyncRunner("test-sync", reason -> {
            starts.add(System.nanoTime());
            if (starts.size() == 2) throw new IllegalStateException("boom");  // a throw is a failure too
            return starts.size() <= 3 ? SyncResult.failure("map full") : SyncResult.success(true);
        }, settings, reports::add)) {
            runner.start();
            runner.requestSync();
            Poll.until(BOUND, () -> reports().size() >= 4, () -> "reports: " + reports());
            Poll.until(BOUND, () -> runner.consecutiveFailures() == 0, () -> "still failing");
        }
        List<SyncReport> r = reports();
        assertEquals(4, r.size(), "no more syncs after success (max interval is an hour): " + r);
        assertEquals(List.of(SyncReason.REQUESTED, SyncReason.RETRY, SyncReason.RETRY, SyncReason.RETRY),
                r.stream().map(SyncReport::reason).toList());
        assertEquals(List.of(false, false, false, true), r.stream().map(x -> x.result().success()).toList());
        assertTrue(r.get(1).result().detail().contains("boom"));
        long[] minGapMs = {30, 60, 60};
        for (int i = 0; i < 3; i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(starts.get(i + 1) - starts.get(i));
            assertTrue(gap >= minGapMs[i], "gap " + i + " was " + gap + " ms, backoff " + minGapMs[i]);
        }
        assertTrue(r.get(3).programmingLatency().orElseThrow().toMillis() >= 150, "latency includes the retries");
        assertTrue(r.subList(0, 3).stream().allMatch(x -> x.programmingLatency().isEmpty()));
    }

    @Test
    void requestsBeforeStartAreKeptAndCloseStopsSyncing() {
        AtomicInteger calls = new AtomicInteger();
        SyncRunner runner = new SyncRunner("test-sync", reason -> {
            calls.incrementAndGet();
            return SyncResult.success(true);
        }, SyncRunner.Settings.defaults().withMinInterval(Duration.ofMillis(1)), reports::add);
        runner.requestSync();
        runner.start();
        Poll.until(BOUND, () -> calls.get() == 1, () -> "calls: " + calls.get());
        runner.close();
        runner.requestSync();
        Poll.holds(Duration.ofMillis(100), () -> calls.get() == 1, () -> "synced after close");
        assertThrows(IllegalStateException.class, runner::start);
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> SyncRunner.Settings.defaults().withMinInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SyncRunner.Settings.defaults().withMaxInterval(Duration.ofMillis(10)));
        assertThrows(IllegalArgumentException.class, () -> SyncRunner.Settings.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        SyncRunner.Settings d = SyncRunner.Settings.defaults();
        assertEquals(Duration.ofMillis(100), d.minInterval());
        assertEquals(Duration.ofSeconds(60), d.maxInterval());
        assertFalse(d.initialBackoff().isZero());
    }
}
