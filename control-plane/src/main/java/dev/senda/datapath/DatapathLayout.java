package dev.senda.datapath;

import dev.senda.maps.features.Feature;
import dev.senda.maps.libbpf.CgroupAttachType;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that names what the datapath consists of: the BPF objects shipped as resources, their
 * programs and attach points, and where Senda pins links under the bpffs root. Maps are pinned by libbpf
 * itself (LIBBPF_PIN_BY_NAME) at {@code <root>/<map name>}.
 */
public final class DatapathLayout {
    private DatapathLayout() {
    }

    /** Classpath directory holding the compiled objects (see bpf/Makefile). */
    public static final String RESOURCE_DIR = "dev/senda/bpf/";

    /** Socket LB: cgroup sock_addr programs. */
    public static final String SOCK_OBJECT = "senda_sock.o";

    /** Per-packet LB on tc. */
    public static final String TC_OBJECT = "senda_tc.o";

    /** The tc program attached at ingress of host-side pod interfaces. */
    public static final String TC_FROM_POD_PROGRAM = "senda_tc_from_pod";

    /** The tc program attached at egress of host-side pod interfaces (replies from other nodes). */
    public static final String TC_TO_POD_PROGRAM = "senda_tc_to_pod";

    /**
     * One tc attach point on an interface: which program, which direction, and the prefix of its
     * link pin (followed by the escaped interface name).
     */
    public record TcHook(String program, boolean ingress, String pinPrefix) {
    }

    /** What the host side of a pod interface carries: DNAT and replies at ingress, replies at egress. */
    public static final List<TcHook> POD_TC_HOOKS = List.of(
            new TcHook(TC_FROM_POD_PROGRAM, true, "tc_ingress_"),
            new TcHook(TC_TO_POD_PROGRAM, false, "tc_egress_"));

    /**
     * A cgroup program, the hook it attaches to, and the kernel features it needs besides that hook.
     *
     * @param alsoNeeds helpers and the like the program calls; the kernel refuses the program without them
     */
    public record CgroupProgram(String program, CgroupAttachType hook, Set<Feature> alsoNeeds) {
        public CgroupProgram {
            alsoNeeds = Set.copyOf(alsoNeeds);
        }

        /** Every feature the program needs to load and attach: its hook and {@link #alsoNeeds}. */
        public Set<Feature> needs() {
            Set<Feature> all = EnumSet.of(Feature.ofHook(hook));
            all.addAll(alsoNeeds);
            return all;
        }
    }

    /** connect/sendmsg refuse a Service without endpoints through bpf_set_retval (ECONNREFUSED). */
    private static final Set<Feature> REFUSES = Set.of(Feature.SET_RETVAL);

    /**
     * The socket-LB hooks, all attached to the same cgroup root. The IPv6 ones serve dual-stack sockets
     * that reach IPv4 Services through IPv4-mapped addresses.
     */
    public static final List<CgroupProgram> SOCKET_LB_PROGRAMS = List.of(
            new CgroupProgram("senda_sock4_connect", CgroupAttachType.INET4_CONNECT, REFUSES),
            new CgroupProgram("senda_sock4_sendmsg", CgroupAttachType.UDP4_SENDMSG, REFUSES),
            new CgroupProgram("senda_sock4_recvmsg", CgroupAttachType.UDP4_RECVMSG, Set.of()),
            new CgroupProgram("senda_sock4_getpeername", CgroupAttachType.INET4_GETPEERNAME, Set.of()),
            new CgroupProgram("senda_sock6_connect", CgroupAttachType.INET6_CONNECT, REFUSES),
            new CgroupProgram("senda_sock6_sendmsg", CgroupAttachType.UDP6_SENDMSG, REFUSES),
            new CgroupProgram("senda_sock6_recvmsg", CgroupAttachType.UDP6_RECVMSG, Set.of()),
            new CgroupProgram("senda_sock6_getpeername", CgroupAttachType.INET6_GETPEERNAME, Set.of()));

    /** Directory of pinned links; removing a pin detaches its program. */
    public static Path linksDir(Path bpffsRoot) {
        return bpffsRoot.resolve("links");
    }

    /** Pin of the link attaching a socket-LB program to the cgroup root. */
    public static Path cgroupLinkPin(Path bpffsRoot, CgroupProgram program) {
        return linksDir(bpffsRoot).resolve("cgroup_" + program.program());
    }

    /** Every tc link pin starts with this (then "ingress_"/"egress_" and the interface name). */
    public static final String TC_LINK_PREFIX = "tc_";

    /**
     * tc filter handle and priority of the clsact fallback (kernels without tcx); distinctive so cleanup
     * removes only Senda's filter ("5e" "nd").
     */
    public static final int CLSACT_HANDLE = 0x5e4d;
    public static final int CLSACT_PRIORITY = 0x5e4d;

    /** Pin of the tcx link of one hook on one interface. */
    public static Path tcLinkPin(Path bpffsRoot, TcHook hook, String ifname) {
        return linksDir(bpffsRoot).resolve(hook.pinPrefix() + escapePinName(ifname));
    }

    /** Pin of the ingress tcx link on one pod interface. */
    public static Path tcLinkPin(Path bpffsRoot, String ifname) {
        return tcLinkPin(bpffsRoot, POD_TC_HOOKS.getFirst(), ifname);
    }

    /** The interface a tc pin is for: the inverse of {@link #tcLinkPin}'s naming. */
    public static String ifnameOfTcPin(Path pin) {
        String name = pin.getFileName().toString();
        for (TcHook hook : POD_TC_HOOKS) {
            if (name.startsWith(hook.pinPrefix())) return unescapePinName(name.substring(hook.pinPrefix().length()));
        }
        throw new IllegalArgumentException("not a tc link pin: " + pin);
    }

    /**
     * bpffs refuses names containing '.', which interface names may hold (VLANs: eth0.100): '.' becomes
     * "%2e" and '%' itself "%25", so the mapping stays reversible.
     */
    static String escapePinName(String name) {
        return name.replace("%", "%25").replace(".", "%2e");
    }

    static String unescapePinName(String name) {
        return name.replace("%2e", ".").replace("%25", "%");
    }
}
