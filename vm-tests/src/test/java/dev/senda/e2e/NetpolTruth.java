package dev.senda.e2e;

import dev.senda.e2e.NetpolModel.PodId;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A truth table of the matrix: for every ordered pair (from, to) of the nine pods, whether a probe
 * from {@code from} to {@code to}'s Service connects. Rows are the client ("from"), columns the
 * server ("to"), as upstream prints them. Expected tables are built from a small model: start from
 * allow-all and deny (or re-allow) rows, columns and cells, in the order a case states them.
 *
 * <p>The diagonal (a pod probing itself through its own Service) is ignored when tables are
 * compared, as upstream does ({@code ignoreLoopback}): whether policy applies to a pod's traffic to
 * itself is undefined upstream (kubernetes#95879), and here it even differs by datapath (socket LB
 * turns the connect into a loopback connection that never leaves the pod; per-packet LB hairpins it
 * through the host veth). It is still probed and printed.
 *
 * <p>Mutable and not thread-safe: build one, then compare.
 */
final class NetpolTruth {
    private static final int N = NetpolModel.PODS.size();
    private final boolean[][] cells = new boolean[N][N];

    private NetpolTruth(boolean value) {
        for (boolean[] row : cells) Arrays.fill(row, value);
    }

    /** Every pair connects: what no policy gives. */
    static NetpolTruth allowAll() {
        return new NetpolTruth(true);
    }

    /** Nothing connects (the start of an observed table). */
    static NetpolTruth denyAll() {
        return new NetpolTruth(false);
    }

    NetpolTruth copy() {
        NetpolTruth t = new NetpolTruth(false);
        for (int i = 0; i < N; i++) t.cells[i] = cells[i].clone();
        return t;
    }

    boolean get(PodId from, PodId to) {
        return cells[from.index()][to.index()];
    }

    /** Sets one cell. */
    NetpolTruth set(PodId from, PodId to, boolean connects) {
        cells[from.index()][to.index()] = connects;
        return this;
    }

    NetpolTruth set(String from, String to, boolean connects) {
        return set(PodId.of(from), PodId.of(to), connects);
    }

    /** Sets every cell whose client and server match (upstream's {@code ExpectPeer}). */
    NetpolTruth peers(Predicate<PodId> from, Predicate<PodId> to, boolean connects) {
        for (PodId f : NetpolModel.PODS) {
            for (PodId t : NetpolModel.PODS) if (from.test(f) && to.test(t)) set(f, t, connects);
        }
        return this;
    }

    /** Everything into {@code to} (a pod {@code x/a} or a namespace {@code x}): its column. */
    NetpolTruth ingress(String to, boolean connects) {
        return peers(any(), select(to), connects);
    }

    /** Everything out of {@code from} (a pod or a namespace): its row. */
    NetpolTruth egress(String from, boolean connects) {
        return peers(select(from), any(), connects);
    }

    /** Every pod. */
    static Predicate<PodId> any() {
        return p -> true;
    }

    /** {@code x} selects namespace x, {@code x/a} one pod. */
    static Predicate<PodId> select(String nsOrPod) {
        if (nsOrPod.contains("/")) {
            PodId id = PodId.of(nsOrPod);
            return id::equals;
        }
        if (!NetpolModel.NAMESPACES.contains(nsOrPod)) throw new IllegalArgumentException("no namespace " + nsOrPod);
        return p -> p.ns().equals(nsOrPod);
    }

    /** Whether {@code observed} agrees with this table on every cell but the diagonal. */
    boolean matches(NetpolTruth observed) {
        return wrongCells(observed) == 0;
    }

    /** How many off-diagonal cells differ. */
    int wrongCells(NetpolTruth observed) {
        int wrong = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) if (i != j && cells[i][j] != observed.cells[i][j]) wrong++;
        }
        return wrong;
    }

    /** The table as upstream prints one: '.' connects, 'X' blocked; rows = from, columns = to. */
    String render() {
        return table((i, j) -> cells[i][j] ? '.' : 'X');
    }

    /**
     * The comparison upstream prints: '.' where observed equals expected, 'X' where it does not, and
     * 'x' on a differing diagonal cell (ignored, shown for information).
     */
    String compare(NetpolTruth observed) {
        return table((i, j) -> cells[i][j] == observed.cells[i][j] ? '.' : i == j ? 'x' : 'X');
    }

    private interface Cell {
        char at(int row, int column);
    }

    private static String table(Cell cell) {
        List<PodId> pods = NetpolModel.PODS;
        StringBuilder sb = new StringBuilder("-\t");
        for (PodId to : pods) sb.append(to).append('\t');
        sb.append('\n');
        for (int i = 0; i < N; i++) {
            sb.append(pods.get(i)).append('\t');
            for (int j = 0; j < N; j++) sb.append(cell.at(i, j)).append('\t');
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetpolTruth t && Arrays.deepEquals(cells, t.cells);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(cells);
    }

    @Override
    public String toString() {
        return render();
    }
}
