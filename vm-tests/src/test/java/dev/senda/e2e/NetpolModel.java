package dev.senda.e2e;

import dev.senda.testbed.Testbed.Proto;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed world of the upstream NetworkPolicy matrix ({@code test/e2e/network/netpol}): namespaces
 * x, y and z, each with pods a, b and c (nine pods, 81 ordered pairs), every pod serving TCP and UDP
 * on ports 80 and 81 behind its own ClusterIP Service {@code s-<ns>-<pod>}. Pure names, no I/O.
 *
 * <p>SCTP is not probed: this host's kernel has no SCTP sockets, and the QEMU run covers only the
 * privileged datapath and maps suites (README "Testing"), so an SCTP column would be a skipped test.
 * The SCTP case ("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP' ...") still runs:
 * it proves that an SCTP-only rule opens no TCP.
 */
final class NetpolModel {
    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> POD_NAMES = List.of("a", "b", "c");
    /** The ports every pod serves (both protocols), and its Service exposes with the same numbers. */
    static final List<Integer> PORTS = List.of(80, 81);
    /** Every pod, x/a first, in row/column order of the truth tables. */
    static final List<PodId> PODS;

    static {
        List<PodId> all = new ArrayList<>();
        for (String ns : NAMESPACES) for (String p : POD_NAMES) all.add(new PodId(ns, p));
        PODS = List.copyOf(all);
    }

    private NetpolModel() {
    }

    /** A pod of the matrix: {@code x/a}. */
    record PodId(String ns, String pod) {
        static PodId of(String text) {
            String[] f = text.split("/");
            if (f.length != 2 || !NAMESPACES.contains(f[0]) || !POD_NAMES.contains(f[1])) {
                throw new IllegalArgumentException("not a matrix pod: " + text);
            }
            return new PodId(f[0], f[1]);
        }

        /** Its testbed pod's name (namespace names are per run, so {@code x-a}); the echo servers answer with it. */
        String testbedName() {
            return ns + "-" + pod;
        }

        /** Its Service, as upstream names it. */
        String serviceName() {
            return "s-" + ns + "-" + pod;
        }

        /** The row/column index in a truth table. */
        int index() {
            return NAMESPACES.indexOf(ns) * POD_NAMES.size() + POD_NAMES.indexOf(pod);
        }

        @Override
        public String toString() {
            return ns + "/" + pod;
        }
    }

    /** One column of probes: every ordered pair over one protocol to one port. */
    record Column(Proto proto, int port) {
        @Override
        public String toString() {
            return port + "/" + proto;
        }
    }

    /** The four columns: TCP and UDP on 80 and 81. */
    static final List<Column> COLUMNS = List.of(new Column(Proto.TCP, 80), new Column(Proto.TCP, 81),
            new Column(Proto.UDP, 80), new Column(Proto.UDP, 81));
}
