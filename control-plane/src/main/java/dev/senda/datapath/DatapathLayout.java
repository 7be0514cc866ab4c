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

    /**
     * The socket-destroy iterator (closes connected UDP sockets of removed backends), loaded only where
     * the kernel has {@code bpf_sock_destroy}: see {@link StaleUdpSocketCloser}.
     */
    public static final String SOCK_DESTROY_OBJECT = "senda_sockdestroy.o";

    /** Its iter/udp program. */
    public static final String SOCK_DESTROY_PROGRAM = "senda_sockdestroy_udp";

    /** The tc program attached at ingress of host-side pod interfaces. */
    public static final String TC_FROM_POD_PROGRAM = "senda_tc_from_pod";

    /** The tc program attached at egress of host-side pod interfaces (replies from other nodes). */
    public static final String TC_TO_POD_PROGRAM = "senda_tc_to_pod";

    /**
     * The tc program attached at ingress of the node's own interfaces (--node-devices): NodePort,
     * LoadBalancer and external-IP traffic from outside, and replies of remote backends.
     */
    public static final String TC_FROM_NET_PROGRAM = "senda_tc_from_net";

    /**
     * One tc attach point on an interface: which program, which direction, the prefix of its link
     * pin (followed by the escaped interface name), and the handle and priority of its clsact filter
     * on kernels without tcx (distinct per kind of device, so removing one kind leaves the other).
     */
    public record TcHook(String program, boolean ingress, String pinPrefix, int clsact) {
    }

    /**
     * tc filter handle and priority of the clsact fallback (kernels without tcx) on pod interfaces;
     * distinctive so cleanup removes only Senda's filter ("5e" "nd").
     */
    public static final int CLSACT_HANDLE = 0x5e4d;
    public static final int CLSACT_PRIORITY = CLSACT_HANDLE;

    /** The same for node interfaces, one above the pods' so the two never collide on a device. */
    public static final int CLSACT_NODE_HANDLE = 0x5e4e;

    /** What the host side of a pod interface carries: DNAT and replies at ingress, replies at egress. */
    public static final List<TcHook> POD_TC_HOOKS = List.of(
            new TcHook(TC_FROM_POD_PROGRAM, true, "tc_ingress_", CLSACT_HANDLE),
            new TcHook(TC_TO_POD_PROGRAM, false, "tc_egress_", CLSACT_HANDLE));

    /**
     * What a node interface carries: DNAT and replies at ingress only. Egress needs nothing: a local
     * backend's reply to an outside client was reverse-NATed at ingress of its pod's interface, and
     * traffic the node sends itself is socket LB's (or no Service traffic at all).
     */
    public static final List<TcHook> NODE_TC_HOOKS = List.of(
            new TcHook(TC_FROM_NET_PROGRAM, true, "tc_node_ingress_", CLSACT_NODE_HANDLE));

    /**
     * A kind of interface per-packet LB follows: the flag naming its glob and the hooks it gets.
     * Pin prefixes of different kinds never prefix one another, so a pin names its kind.
     */
    public record DeviceKind(String flag, List<TcHook> hooks) {
        public DeviceKind {
            hooks = List.copyOf(hooks);
        }

        /** The interface a pin of this kind is for, or empty when the pin is of another kind. */
        public java.util.Optional<String> ifnameOfPin(Path pin) {
            String name = pin.getFileName().toString();
            for (TcHook hook : hooks) {
                if (name.startsWith(hook.pinPrefix())) {
                    return java.util.Optional.of(unescapePinName(name.substring(hook.pinPrefix().length())));
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** Host-side pod interfaces ({@code --pod-devices}). */
    public static final DeviceKind POD_DEVICES = new DeviceKind("--pod-devices", POD_TC_HOOKS);

    /** The node's interfaces to the outside ({@code --node-devices}). */
    public static final DeviceKind NODE_DEVICES = new DeviceKind("--node-devices", NODE_TC_HOOKS);

    /** Every kind, for cleanup. */
    public static final List<DeviceKind> DEVICE_KINDS = List.of(POD_DEVICES, NODE_DEVICES);

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

    /** Every tc link pin starts with this (then "ingress_"/"egress_"/"node_ingress_" and the interface name). */
    public static final String TC_LINK_PREFIX = "tc_";

    /** Pin of the tcx link of one hook on one interface. */
    public static Path tcLinkPin(Path bpffsRoot, TcHook hook, String ifname) {
        return linksDir(bpffsRoot).resolve(hook.pinPrefix() + escapePinName(ifname));
    }

    /** Pin of the ingress tcx link on one pod interface. */
    public static Path tcLinkPin(Path bpffsRoot, String ifname) {
        return tcLinkPin(bpffsRoot, POD_TC_HOOKS.getFirst(), ifname);
    }

    /** The interface a tc pin (of any device kind) is for: the inverse of {@link #tcLinkPin}'s naming. */
    public static String ifnameOfTcPin(Path pin) {
        for (DeviceKind kind : DEVICE_KINDS) {
            java.util.Optional<String> ifname = kind.ifnameOfPin(pin);
            if (ifname.isPresent()) return ifname.get();
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
