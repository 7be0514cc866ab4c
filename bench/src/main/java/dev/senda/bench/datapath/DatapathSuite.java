package dev.senda.bench.datapath;

import dev.senda.bench.ScratchObject;
import dev.senda.bench.Stats;
import dev.senda.bench.Workload;
import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.BenchSuite;
import dev.senda.bench.api.Row;
import dev.senda.datapath.DatapathLayout;
import dev.senda.maps.features.Capabilities;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.libbpf.BareProgram;
import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.Insns;
import dev.senda.maps.libbpf.TestRunResult;
import dev.senda.maps.size.MapSizeSetting;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The per-packet datapath's cost per packet, measured by the kernel with {@code BPF_PROG_TEST_RUN}:
 * {@code senda_tc_from_pod} of {@code senda_tc.o} (the program on every pod's host-side interface)
 * with 100 / 10,000 / 100,000 Services of 10 endpoints in its maps, beside a no-op tc program
 * ({@code r0 = TC_ACT_OK; exit}) run the same way. The packet is a TCP SYN from a pod to the last
 * Service's cluster IP; the first run is checked to be DNATed to one of that Service's endpoints.
 * <ul>
 *   <li><b>conntrack hit</b>: the same SYN repeated in the kernel ({@code repeat} = 1,000,000 in full
 *   mode): after the first, every run finds its conntrack entry (the path of every packet of an
 *   established flow, plus the check that its backend is still current);</li>
 *   <li><b>new flow</b>: one run per packet, each from another source port (10,000 in full mode), so
 *   every packet takes the Service lookup, backend selection and conntrack creation; each run's
 *   kernel time includes one clock read more than a repeated run, as does the no-op's.</li>
 * </ul>
 * Rows: ns per packet (the median of 5 rounds in full mode), and its ratio to the no-op program
 * measured the same way. The maps are filled through the typed tables ({@link LbMaps}) as the
 * reconciler would, pinned under a scratch {@code /sys/fs/bpf/sd<hex>} directory.
 */
public final class DatapathSuite implements BenchSuite {
    public static final String NAME = "datapath";
    static final String PROGRAM = "senda_tc_from_pod";
    static final int TC_ACT_OK = 0;
    /** The client pod's address and its source port for the repeated SYN. */
    static final int CLIENT = (10 << 24) | (244 << 16) | 2;
    static final int CT_HIT_PORT = 40000;
    static final int FIRST_NEW_FLOW_PORT = 20000;

    @Override
    public String name() {
        return NAME;
    }

    static int[] sizes(BenchMode mode) {
        return mode == BenchMode.FULL ? new int[] {100, 10_000, 100_000} : new int[] {10};
    }

    private record Counts(int repeat, int newFlows, int rounds) {
    }

    @Override
    public List<Row> run(BenchMode mode) {
        Capabilities.ofThisProcess().requireForDatapath("the datapath benchmark (it loads BPF programs)");
        Counts counts = mode == BenchMode.FULL ? new Counts(1_000_000, 10_000, 5) : new Counts(10_000, 500, 1);
        List<Row> rows = new ArrayList<>();
        double noopRepeat;
        double noopSingle;
        try (BareProgram noop = BareProgram.load("noop", BareProgram.TYPE_SCHED_CLS, 0, Insns.returning(TC_ACT_OK))) {
            byte[] frame = SynFrame.of(CLIENT, CT_HIT_PORT, Workload.vip(0), Workload.SERVICE_PORT);
            noopRepeat = median(counts.rounds(), () -> noop.testRun(frame, counts.repeat()).durationNsPerRun());
            noopSingle = median(counts.rounds(), () -> singleRuns(counts.newFlows(),
                    k -> noop.testRun(SynFrame.of(CLIENT, FIRST_NEW_FLOW_PORT + k, Workload.vip(0),
                            Workload.SERVICE_PORT), 1)));
        }
        rows.add(new Row(NAME, "no-op tc program", "per packet, repeated", noopRepeat, "ns"));
        rows.add(new Row(NAME, "no-op tc program", "per packet, one run each", noopSingle, "ns"));
        for (int services : sizes(mode)) {
            Workload workload = new Workload(services);
            try (ScratchObject tc = ScratchObject.load(DatapathLayout.TC_OBJECT, true, sizes(workload, counts))) {
                fill(tc.lbMaps(), workload);
                BpfProgram program = tc.object().program(PROGRAM);
                int vip = Workload.vip(services - 1);
                byte[] syn = SynFrame.of(CLIENT, CT_HIT_PORT, vip, Workload.SERVICE_PORT);
                checkDnat(program.testRun(syn, 1), services - 1);
                double hit = median(counts.rounds(), () -> program.testRun(syn, counts.repeat()).durationNsPerRun());
                int[] round = {0};
                double fresh = median(counts.rounds(), () -> {
                    // every round from another client address (10.244.R.2): all its tuples are new
                    int client = CLIENT + (++round[0] << 8);
                    return singleRuns(counts.newFlows(), k -> {
                        TestRunResult r = program.testRun(SynFrame.of(client, FIRST_NEW_FLOW_PORT + k, vip,
                                Workload.SERVICE_PORT), 1);
                        if (k == 0) checkDnat(r, services - 1);
                        return r;
                    });
                });
                String size = String.format("%,d services", services);
                String hitCase = "tc SYN to the last service, conntrack hit, " + size;
                rows.add(new Row(NAME, hitCase, "per packet", hit, "ns"));
                rows.add(new Row(NAME, hitCase, "ratio to no-op", hit / noopRepeat, "x"));
                String newCase = "tc SYN to the last service, new flow, " + size;
                rows.add(new Row(NAME, newCase, "per packet", fresh, "ns"));
                rows.add(new Row(NAME, newCase, "ratio to no-op", fresh / noopSingle, "x"));
            }
        }
        return rows;
    }

    /** Backends, slots, reverse NAT and header of every Service, in the reconciler's order. */
    static void fill(LbMaps maps, Workload w) {
        for (int i = 0; i < w.services(); i++) {
            IpAddress vip = IpAddress.ipv4(Workload.vip(i));
            int serviceId = i + 1;
            ServiceKey header = new ServiceKey(vip, Workload.SERVICE_PORT, Protocol.TCP, Scope.EXTERNAL, 0);
            for (int j = 0; j < Workload.ENDPOINTS_PER_SERVICE; j++) {
                int backendId = i * Workload.ENDPOINTS_PER_SERVICE + j + 1;
                maps.backends().put(new BackendKey(IpFamily.IPV4, backendId), new BackendValue(
                        IpAddress.ipv4(Workload.endpoint(i, j)), Workload.TARGET_PORT, Protocol.TCP, BackendState.ACTIVE));
                maps.services().put(header.withSlot(j + 1), ServiceValue.slot(serviceId, backendId));
            }
            maps.revNats().put(new RevNatKey(IpFamily.IPV4, serviceId), new RevNatValue(vip, Workload.SERVICE_PORT));
            maps.services().put(header, ServiceValue.header(serviceId, Workload.ENDPOINTS_PER_SERVICE, 0));
        }
    }

    /** LB tables that hold the workload; conntrack that holds every flow of the run (no LRU eviction measured). */
    private static Map<MapSizeSetting, Integer> sizes(Workload w, Counts c) {
        return Map.of(MapSizeSetting.CONNTRACK, ScratchObject.sizeFor(2L * c.rounds() * c.newFlows() + 16, 65536),
                MapSizeSetting.SERVICES, ScratchObject.sizeFor((long) w.services() + w.endpoints(), 1024),
                MapSizeSetting.BACKENDS, ScratchObject.sizeFor(w.endpoints(), 1024),
                MapSizeSetting.REVERSE_NAT, ScratchObject.sizeFor(w.services(), 1024));
    }

    /** The program passed the SYN on, DNATed to an endpoint of Service {@code i}: it measured the real path. */
    private static void checkDnat(TestRunResult r, int i) {
        int dst = SynFrame.destination(r.dataOut());
        int first = Workload.endpoint(i, 0);
        if (r.retval() != TC_ACT_OK || dst < first || dst >= first + Workload.ENDPOINTS_PER_SERVICE) {
            throw new IllegalStateException("the SYN to " + Workload.dotted(Workload.vip(i)) + " came out with verdict "
                    + r.retval() + " to " + Workload.dotted(dst) + ", not DNATed to one of its endpoints");
        }
    }

    /** Mean kernel time of {@code n} single runs. */
    private static double singleRuns(int n, IntFunction<TestRunResult> run) {
        long total = 0;
        for (int k = 0; k < n; k++) total += run.apply(k).durationNsPerRun();
        return (double) total / n;
    }

    private static double median(int rounds, java.util.function.DoubleSupplier round) {
        List<Double> values = new ArrayList<>(rounds);
        for (int r = 0; r < rounds; r++) values.add(round.getAsDouble());
        return Stats.median(values);
    }
}
