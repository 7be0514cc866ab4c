package dev.senda.testbed.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadCpuTest {
    @Test
    void namedThreadsAreSummedWithTheirCpuTime() throws Exception {
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // two threads whose names differ only in trailing digits: one row, two threads
        Runnable spin = () -> {
            // 30 ms of this thread's CPU (three 10 ms ticks), whatever else the machine runs; 20 s at most
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long until = System.nanoTime() + 20_000_000_000L;
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 30_000_000L && System.nanoTime() < until) x += System.nanoTime() & 1;
            if (x < 0) throw new AssertionError();
            spun.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread a = Thread.ofPlatform().name("cpu-probe-1").start(spin);
        Thread b = Thread.ofPlatform().name("cpu-probe-2").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            spun.await();
            List<ThreadCpu.Named> named = ThreadCpu.of(ProcessHandle.current().pid());
            ThreadCpu.Named probes = named.stream().filter(n -> n.name().equals("cpu-probe-#")).findFirst().orElseThrow(
                    () -> new AssertionError("no cpu-probe-# row in " + named));
            assertEquals(2, probes.threads());
            assertTrue(probes.millis() >= 20, "the spinning thread's CPU: " + probes);
            for (int i = 1; i < named.size(); i++) {
                assertTrue(named.get(i - 1).millis() >= named.get(i).millis(), "most CPU first: " + named);
            }
            String table = ThreadCpu.table(named);
            assertTrue(table.lines().anyMatch(l -> l.startsWith("cpu-probe-#") && l.endsWith(" 2")), table);
        } finally {
            release.countDown();
            a.join(5_000);
            b.join(5_000);
        }
    }
}
