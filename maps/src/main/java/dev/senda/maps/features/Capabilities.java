package dev.senda.maps.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The effective capabilities of a process ({@code CapEff} of {@code /proc/<pid>/status}): the one
 * answer to "may this process load and attach Senda's programs?" for the agent, the feature probe
 * and privileged tests alike.
 *
 * <p>Capabilities, not the uid, decide: root in a container without CAP_SYS_ADMIN cannot mount
 * bpffs, and a non-root process granted the capabilities can do everything Senda does.
 *
 * @param effective the CapEff bit mask (bit n is capability n)
 */
public record Capabilities(long effective) {
    private static final Path PROC_SELF_STATUS = Path.of("/proc/self/status");

    /** The capabilities Senda reasons about ({@code linux/capability.h} numbers). */
    public enum Cap {
        /** Attach programs to devices and cgroups; load networking program types. */
        NET_ADMIN(12),
        /**
         * Read another process's {@code /proc/<pid>/ns/net} whatever its user and capabilities (the
         * kernel's ptrace access check); see {@link #FOR_POD_NAMESPACES}.
         */
        SYS_PTRACE(19),
        /** Mount bpffs, create and enter network namespaces; also allows everything CAP_BPF does. */
        SYS_ADMIN(21),
        /** Load programs and create maps (Linux 5.8+; CAP_SYS_ADMIN covers it on every kernel). */
        BPF(39);

        private final int bit;

        Cap(int bit) {
            this.bit = bit;
        }

        /** "CAP_NET_ADMIN". */
        public String capName() {
            return "CAP_" + name();
        }
    }

    /**
     * The capabilities the datapath needs, THE list: {@link #missingForDatapath()} checks it and
     * {@code deploy/daemonset.yaml} grants exactly it (a test compares the two). CAP_NET_ADMIN attaches
     * to devices and cgroups and destroys stale sockets; CAP_SYS_ADMIN mounts bpffs, enters network
     * namespaces and also grants what CAP_BPF and CAP_PERFMON do, on every kernel.
     */
    public static final List<Cap> REQUIRED_FOR_DATAPATH = List.of(Cap.NET_ADMIN, Cap.SYS_ADMIN);

    /**
     * What finding the pods' network namespaces needs besides: to close connected UDP sockets whose
     * backend left, the agent reads {@code /proc/<pid>/ns/net} of the processes under
     * {@code --cgroup-root} ({@code CgroupNetns}). The kernel lets one process read those links of
     * another only when both run as the same user and the reader holds every capability the other
     * has, or when the reader holds CAP_SYS_PTRACE; pods' processes run as other users or with
     * capabilities the agent lacks. Not needed to start (the datapath runs without it; those sockets
     * are then left open), so not in {@link #REQUIRED_FOR_DATAPATH}; {@code deploy/daemonset.yaml}
     * grants both lists (a test compares), with {@code hostPID}, for the same reason.
     */
    public static final List<Cap> FOR_POD_NAMESPACES = List.of(Cap.SYS_PTRACE);

    /** Those of this process (the JVM), read now. */
    public static Capabilities ofThisProcess() {
        try {
            return parse(Files.readString(PROC_SELF_STATUS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC_SELF_STATUS + " to check capabilities", e);
        }
    }

    /**
     * From the text of a {@code /proc/<pid>/status} file.
     *
     * @throws IllegalArgumentException when it has no well-formed CapEff line
     */
    public static Capabilities parse(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip();
                try {
                    return new Capabilities(HexFormat.fromHexDigitsToLong(hex));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("malformed CapEff line: " + line, e);
                }
            }
        }
        throw new IllegalArgumentException("no CapEff line in the process status");
    }

    public boolean has(Cap cap) {
        return (effective >>> cap.bit & 1) != 0;
    }

    /**
     * What the datapath needs ({@link #REQUIRED_FOR_DATAPATH}) and this process lacks, by name, in
     * that list's order; empty when it may run.
     */
    public List<String> missingForDatapath() {
        List<String> missing = new ArrayList<>();
        for (Cap cap : REQUIRED_FOR_DATAPATH) {
            if (!has(cap)) missing.add(cap.capName());
        }
        return List.copyOf(missing);
    }

    /**
     * @param who what needs them, e.g. "the agent", for the message
     * @throws IllegalStateException naming the missing capabilities
     */
    public void requireForDatapath(String who) {
        List<String> missing = missingForDatapath();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(who + " needs " + String.join(" and ",
                    REQUIRED_FOR_DATAPATH.stream().map(Cap::capName).toList())
                    + " (CAP_SYS_ADMIN covers CAP_BPF); this process lacks "
                    + String.join(", ", missing) + " (CapEff " + HexFormat.of().toHexDigits(effective)
                    + "): run it as root or grant them");
        }
    }
}
