package dev.senda.testbed.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of a process's threads, from {@code /proc/PID/task/TID/stat}, summed per thread name: a
 * JVM names its threads ("C1 CompilerThre", "VM Thread" for the serial collector's pauses, "main", the
 * agent's own), so the sums say where a start's CPU went. Threads that ended before the reading are not
 * in it (their time is in the process's total only).
 */
final class ThreadCpu {
    /** CPU time of the threads of one name. */
    record Named(String name, int threads, double userMillis, double systemMillis) {
        double millis() {
            return userMillis + systemMillis;
        }
    }

    private ThreadCpu() {
    }

    /** The process's live threads, summed per name, most CPU first. */
    static List<Named> of(long pid) throws IOException {
        Map<String, double[]> sums = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile (ENOENT or ESRCH, as the kernel had it)
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                double[] s = sums.computeIfAbsent(name.replaceAll("\\d+$", "#"), n -> new double[3]);
                s[0]++;
                s[1] += Long.parseLong(f[11]) * 10.0; // utime, clock ticks of 10 ms
                s[2] += Long.parseLong(f[12]) * 10.0; // stime
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        List<Named> out = new ArrayList<>();
        sums.forEach((n, s) -> out.add(new Named(n, (int) s[0], s[1], s[2])));
        out.sort(Comparator.comparingDouble(Named::millis).reversed().thenComparing(Named::name));
        return out;
    }

    /** One line per name: total, user and system milliseconds, thread count. */
    static String table(List<Named> named) {
        StringBuilder sb = new StringBuilder(String.format("%-18s %8s %8s %8s %s%n", "thread", "cpu_ms", "user", "system", "threads"));
        for (Named n : named) {
            sb.append(String.format("%-18s %8.0f %8.0f %8.0f %d%n", n.name(), n.millis(), n.userMillis(), n.systemMillis(),
                    n.threads()));
        }
        return sb.toString();
    }
}
