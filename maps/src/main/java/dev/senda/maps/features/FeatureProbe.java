package dev.senda.maps.features;

import dev.senda.maps.libbpf.BareProgram;
import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.Btf;
import dev.senda.maps.libbpf.CgroupAttachType;
import dev.senda.maps.libbpf.Insns;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.NetDevices;
import dev.senda.maps.libbpf.ScratchNetns;
import dev.senda.maps.libbpf.TcAttach;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Asks the running kernel, once, which {@link Feature}s it has, by doing the smallest thing each
 * feature needs and watching the kernel accept or refuse it. Nothing on the node changes: programs
 * and maps are created and closed at once, and the one probe that must touch a device does so in
 * a scratch network namespace.
 *
 * <ul>
 *   <li>cgroup hooks, XDP, set_retval: load a two-instruction program of that type and expected
 *       attach type ({@code BPF_PROG_LOAD}); set_retval's calls the helper from a connect4 program,
 *       the hook Senda calls it from (kernels refuse it in hooks whose return value is ignored).</li>
 *   <li>tcx: create a tcx link for a loaded tc program on an interface index that does not exist.
 *       A kernel with tcx looks for the device and answers ENODEV; one without rejects the attach
 *       type with EINVAL first. This tests exactly the call the loader makes, needs no device and
 *       attaches nothing. A kernel version or the {@code BPF_TCX_INGRESS} enum in BTF would not do:
 *       distributions backport, and tcx can be compiled out (CONFIG_NET_XGRESS) with the enum
 *       still there.</li>
 *   <li>clsact: attach a tc program as a filter on a clsact qdisc of the loopback device of a
 *       scratch network namespace ({@link ScratchNetns}), which the kernel frees afterwards; no
 *       other way tells whether sch_ingress and cls_bpf are there (built in or as modules).</li>
 *   <li>LPM trie: create a one-entry map of that type.</li>
 *   <li>sock_destroy: look up the kfunc {@code bpf_sock_destroy} in the kernel's BTF; kfuncs exist
 *       only where that BTF does.</li>
 * </ul>
 *
 * <p>A probe that cannot ask (EPERM without privileges, a namespace the kernel will not create)
 * answers {@link Support#UNKNOWN}; an exception in one probe never stops the others.
 */
public final class FeatureProbe {
    private static final Logger log = LoggerFactory.getLogger(FeatureProbe.class);

    static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    static final Duration SCRATCH_NETNS_TIMEOUT = Duration.ofSeconds(5);
    private static final int BPF_FUNC_SET_RETVAL = 187;
    private static final int TC_ACT_OK = 0, XDP_PASS = 2, SOCK_ADDR_ALLOW = 1;
    private static final int BPF_MAP_TYPE_LPM_TRIE = 11, BPF_F_NO_PREALLOC = 1;

    private final Function<Feature, Finding> probes;

    /** @param probes one probe per feature; what it throws becomes {@link Support#UNKNOWN} */
    FeatureProbe(Function<Feature, Finding> probes) {
        this.probes = probes;
    }

    /**
     * Probes this kernel with this process's privileges: about 70 ms on this machine kind on a warm JVM (parsing
     * the kernel's BTF for the kfunc is most of it), 0.15-0.25 s on the agent's cold one once libbpf is loaded.
     */
    public static KernelFeatures probe() {
        long start = System.nanoTime();
        Capabilities caps = Capabilities.ofThisProcess();
        KernelFeatures features = new FeatureProbe(f -> probeKernel(f, caps)).run();
        log.debug("probed kernel features in {} ms", (System.nanoTime() - start) / 1_000_000);
        return features;
    }

    KernelFeatures run() {
        Map<Feature, Finding> findings = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) {
            Finding finding;
            try {
                finding = probes.apply(f);
            } catch (RuntimeException e) {
                finding = Finding.unknown("probe failed: " + e.getMessage());
            }
            if (!finding.present()) log.debug("kernel feature {}: {} ({})", f.key(), finding.support().text(), finding.detail());
            findings.put(f, finding);
        }
        return new KernelFeatures(findings);
    }

    private static Finding probeKernel(Feature f, Capabilities caps) {
        try {
            return switch (f) {
                case TCX -> tcx();
                case CLSACT -> clsact();
                case XDP -> loads(f, BareProgram.TYPE_XDP, 0, Insns.returning(XDP_PASS));
                case SET_RETVAL -> loads(f, BareProgram.TYPE_CGROUP_SOCK_ADDR, CgroupAttachType.INET4_CONNECT.value(),
                        new Insns().movImm(1, 0).call(BPF_FUNC_SET_RETVAL).movImm(0, SOCK_ADDR_ALLOW).exit());
                case LPM_TRIE -> lpmTrie();
                case SOCK_DESTROY -> kfunc("bpf_sock_destroy", "Linux 6.5+");
                default -> loads(f, BareProgram.TYPE_CGROUP_SOCK_ADDR, f.hook().orElseThrow().value(),
                        Insns.returning(SOCK_ADDR_ALLOW));
            };
        } catch (LibbpfException e) {
            if (e.errno() == LibbpfException.EPERM) {
                return Finding.unknown("not permitted to probe (" + missing(caps) + "): " + e.getMessage());
            }
            // errno 0: the kernel was never asked (libbpf missing, no free interface index, ...)
            return e.errno() == 0 ? Finding.unknown(e.getMessage()) : Finding.no(e.getMessage());
        }
    }

    private static Finding loads(Feature f, int progType, int attachType, Insns insns) {
        try (BareProgram ignored = BareProgram.load("probe_" + f.key(), progType, attachType, insns)) {
            return Finding.yes();
        }
    }

    private static Finding tcx() {
        int absent = absentIfindex();
        try (BareProgram prog = BareProgram.load("probe_tcx", BareProgram.TYPE_SCHED_CLS, 0, Insns.returning(TC_ACT_OK))) {
            try (BpfLink unexpected = BpfLink.attachTcx(prog, absent, true)) {
                return Finding.yes(); // the index appeared meanwhile; closing the unpinned link detaches it
            } catch (LibbpfException e) {
                if (e.errno() == LibbpfException.ENODEV) return Finding.yes();
                if (e.errno() == LibbpfException.EINVAL) {
                    return Finding.no("the kernel refuses tcx links (Linux 6.6+ with CONFIG_NET_XGRESS): " + e.getMessage());
                }
                throw e;
            }
        }
    }

    /** An interface index no device has: the highest ones, which the kernel hands out last. */
    private static int absentIfindex() {
        for (int i = Integer.MAX_VALUE; i > Integer.MAX_VALUE - 16; i--) {
            if (NetDevices.nameOf(i).isEmpty()) return i;
        }
        throw new LibbpfException("no unused interface index among the highest 16");
    }

    private static Finding clsact() {
        try (BareProgram prog = BareProgram.load("probe_clsact", BareProgram.TYPE_SCHED_CLS, 0,
                Insns.returning(TC_ACT_OK))) {
            return ScratchNetns.run(SCRATCH_NETNS_TIMEOUT, lo -> {
                try {
                    TcAttach.attach(prog, lo, true);
                    return Finding.yes();
                } catch (LibbpfException e) {
                    return Finding.no("no clsact qdisc or cls_bpf filter (sch_ingress, cls_bpf): " + e.getMessage());
                }
            });
        } catch (LibbpfException e) {
            if (e.errno() == LibbpfException.EPERM) throw e; // said like every other probe's
            // Only the scratch namespace itself failed: the kernel was never asked about clsact.
            return Finding.unknown(e.getMessage());
        }
    }

    private static Finding lpmTrie() {
        // Key: a 4-byte prefix length and an IPv4 address, as bpf_lpm_trie_key wants.
        try (BpfMap ignored = BpfMap.create(BPF_MAP_TYPE_LPM_TRIE, "senda_probe", 8, 4, 1, BPF_F_NO_PREALLOC)) {
            return Finding.yes();
        }
    }

    private static Finding kfunc(String name, String since) {
        if (!Files.exists(VMLINUX_BTF)) {
            return Finding.no("no " + VMLINUX_BTF + " (kernel built without CONFIG_DEBUG_INFO_BTF): no kfuncs");
        }
        try (Btf btf = Btf.parseRaw(VMLINUX_BTF)) {
            return btf.find(name, Btf.KIND_FUNC).isPresent()
                    ? Finding.yes()
                    : Finding.no("no kfunc " + name + " in " + VMLINUX_BTF + " (" + since + ")");
        }
    }

    private static String missing(Capabilities caps) {
        return caps.missingForDatapath().isEmpty() ? "capabilities present"
                : "lacking " + String.join(", ", caps.missingForDatapath());
    }
}
