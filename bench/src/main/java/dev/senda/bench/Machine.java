package dev.senda.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run measured, for the report: figures are only comparable between runs on the same
 * kind of machine.
 *
 * @param cpuModel    {@code model name} of /proc/cpuinfo ("unknown" where absent)
 * @param cpus        processors available to the JVM
 * @param memoryBytes {@code MemTotal} of /proc/meminfo (0 where absent)
 * @param kernel      {@code os.version}, the kernel release
 * @param java        {@code java.vm.name} and {@code java.version}
 */
public record Machine(String cpuModel, int cpus, long memoryBytes, String kernel, String java) {

    public static Machine thisOne() {
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("os.version"), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    /** One line: {@code 2 x Intel(R) ..., 24.0 GiB, Linux 6.18.0, OpenJDK 64-Bit Server VM 25}. */
    public String summary() {
        return String.format("%d x %s, %.1f GiB, Linux %s, %s", cpus, cpuModel, memoryBytes / (1024.0 * 1024 * 1024),
                kernel, java);
    }

    private static String readCpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
        }
        return "unknown";
    }

    private static long memTotal() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.split("\\s+");
                return Long.parseLong(parts[1]) * 1024;
            }
        }
        return 0;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
