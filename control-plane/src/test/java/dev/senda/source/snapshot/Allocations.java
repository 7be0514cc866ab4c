package dev.senda.source.snapshot;

import java.lang.management.ManagementFactory;

/** How many bytes of heap the current thread allocates while running an action (HotSpot counts them per thread). */
final class Allocations {
    private Allocations() {
    }

    interface Action {
        void run() throws Exception;
    }

    static long ofThisThread(Action action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count allocations per thread");
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            action.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
