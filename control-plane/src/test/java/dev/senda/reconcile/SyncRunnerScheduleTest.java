package dev.senda.reconcile;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SyncSchedule} driven by invented times (ms), so every rule is checked exactly. */
class SyncRunnerScheduleTest {
    static final long MS = 1_000_000L;
    /** An origin far from 0 and near overflow, as System.nanoTime() may be. */
    static final long T0 = Long.MAX_VALUE - 1_000 * MS;

    final SyncSchedule s = new SyncSchedule(new SyncRunner.Settings(
            Duration.ofMillis(100), Duration.ofMillis(10_000), Duration.ofMillis(500), Duration.ofMillis(4_000)), T0);

    static long at(long ms) {
        return T0 + ms * MS;
    }

    @Test
    void firstRequestRunsAtOnceAndABurstAfterItWaitsForTheMinInterval() {
        s.request(at(0));
        assertEquals(0, s.delayUntilNext(at(0)));
        SyncSchedule.Batch b = s.begin(at(0));
        assertEquals(SyncReason.REQUESTED, b.reason());
        assertEquals(Long.MAX_VALUE, s.delayUntilNext(at(5)), "nothing runs while a sync runs");
        s.request(at(5));
        s.request(at(6));
        assertEquals(20 * MS, s.finish(at(20), true, b), "latency: first request to end");
        s.request(at(30));
        assertEquals(80 * MS, s.delayUntilNext(at(20)), "100 ms after the previous start");
        SyncSchedule.Batch b2 = s.begin(at(100));
        assertEquals(105 * MS, s.finish(at(110), true, b2), "one sync for the whole burst, latency from its first request");
        assertEquals(10_000 * MS - 10 * MS, s.delayUntilNext(at(110)), "then only the periodic resync");
    }

    @Test
    void withoutRequestsASyncRunsEveryMaxInterval() {
        assertEquals(10_000 * MS, s.delayUntilNext(at(0)));
        SyncSchedule.Batch b = s.begin(at(10_000));
        assertEquals(SyncReason.PERIODIC, b.reason());
        assertEquals(-1, s.finish(at(10_050), true, b), "no latency without requests");
        assertEquals(10_000 * MS, s.delayUntilNext(at(10_000)));
    }

    @Test
    void failuresBackOffExponentiallyUpToTheBound() {
        s.request(at(0));
        long now = 0;
        for (long backoff : new long[]{500, 1000, 2000, 4000, 4000}) {
            SyncSchedule.Batch b = s.begin(at(now));
            assertEquals(now == 0 ? SyncReason.REQUESTED : SyncReason.RETRY, b.reason());
            assertEquals(-1, s.finish(at(now + 10), false, b));
            assertEquals(backoff * MS, s.delayUntilNext(at(now + 10)), "after failure " + s.consecutiveFailures());
            now += 10 + backoff;
        }
        SyncSchedule.Batch last = s.begin(at(now));
        assertEquals(SyncReason.RETRY, last.reason());
        assertTrue(last.coversRequests());
        assertEquals((now + 10) * MS, s.finish(at(now + 10), true, last), "the request's latency includes every retry");
        assertEquals(0, s.consecutiveFailures());
        assertEquals(10_000 * MS, s.delayUntilNext(at(now)), "back to the periodic timer");
    }

    @Test
    void aNewRequestDuringBackoffRunsAtTheMinIntervalNotAfterTheBackoff() {
        s.request(at(0));
        SyncSchedule.Batch b = s.begin(at(0));
        s.finish(at(10), false, b);
        assertEquals(500 * MS, s.delayUntilNext(at(10)));
        s.request(at(20));
        assertEquals(80 * MS, s.delayUntilNext(at(20)));
        SyncSchedule.Batch b2 = s.begin(at(100));
        assertEquals(SyncReason.REQUESTED, b2.reason());
        assertTrue(b2.coversRequests());
        assertEquals(150 * MS, s.finish(at(150), true, b2), "latency counts from the first unhandled request (t=0)");
    }

    @Test
    void backoffNeverOverflows() {
        assertEquals(4_000 * MS, s.backoff(1_000));
    }
}
