package dev.senda.maps.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The number of possible CPUs: how many values a per-CPU map lookup returns.
 *
 * <p>The kernel copies one value per possible CPU ({@code for_each_possible_cpu}), not per online
 * CPU, so a buffer sized by online CPUs would be overrun on a machine with hot-pluggable ones.
 * The set is fixed at boot, so it is read once.
 */
public final class PossibleCpus {
    private static final Path FILE = Path.of("/sys/devices/system/cpu/possible");

    private PossibleCpus() {
    }

    private static final class Holder {
        static final int COUNT = read(FILE);
    }

    /** Possible CPUs of this machine, from {@code /sys/devices/system/cpu/possible} (read once). */
    public static int count() {
        return Holder.COUNT;
    }

    static int read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the possible CPUs from " + file, e);
        }
    }

    /**
     * Counts the CPUs of a kernel CPU list ({@code "0"}, {@code "0-1"}, {@code "0-3,5,7-8"}; a
     * trailing newline is fine).
     *
     * @throws IllegalArgumentException for anything else (empty, reversed range, not a number)
     */
    public static int parse(String cpuList) {
        String list = cpuList.strip();
        if (list.isEmpty()) throw new IllegalArgumentException("empty CPU list");
        BitSet cpus = new BitSet();
        for (String part : list.split(",", -1)) {
            int dash = part.indexOf('-');
            int first = cpu(part, dash < 0 ? part : part.substring(0, dash), list);
            int last = dash < 0 ? first : cpu(part, part.substring(dash + 1), list);
            if (last < first) throw new IllegalArgumentException("reversed range '" + part + "' in CPU list '" + list + "'");
            cpus.set(first, last + 1);
        }
        return cpus.cardinality();
    }

    private static int cpu(String part, String number, String list) {
        // Digits only: Integer.parseInt would also take "+1", and the kernel never writes that.
        if (number.isEmpty() || number.length() > 7 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad entry '" + part + "' in CPU list '" + list + "'");
        }
        return Integer.parseInt(number);
    }
}
