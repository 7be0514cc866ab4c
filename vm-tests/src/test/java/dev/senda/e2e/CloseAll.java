package dev.senda.e2e;

import java.util.ArrayList;
import java.util.List;

/** Closes resources in the order given, each one even when an earlier one failed, and reports every failure. */
final class CloseAll {
    private CloseAll() {
    }

    /** @throws IllegalStateException naming {@code what} and the first failure, the others suppressed */
    static void close(String what, List<? extends AutoCloseable> resources) {
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException(what + " cleanup failed: " + failures.getFirst().getMessage());
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
