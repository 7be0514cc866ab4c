package dev.senda.maps.features;

import dev.senda.maps.libbpf.CgroupAttachType;

import java.util.Optional;

/**
 * The kernel features Senda's datapath chooses by, in the order summaries list them. Each has a
 * stable lower-case key (log line, {@code senda bpf features}, JSON).
 */
public enum Feature {
    TCX("tcx", "tc programs attached through tcx links (Linux 6.6+)"),
    CLSACT("clsact", "tc programs as cls_bpf filters on a clsact qdisc (the fallback for tcx)"),
    XDP("xdp", "XDP programs"),
    CONNECT4(CgroupAttachType.INET4_CONNECT, "connect4"),
    SENDMSG4(CgroupAttachType.UDP4_SENDMSG, "sendmsg4"),
    RECVMSG4(CgroupAttachType.UDP4_RECVMSG, "recvmsg4"),
    GETPEERNAME4(CgroupAttachType.INET4_GETPEERNAME, "getpeername4"),
    CONNECT6(CgroupAttachType.INET6_CONNECT, "connect6"),
    SENDMSG6(CgroupAttachType.UDP6_SENDMSG, "sendmsg6"),
    RECVMSG6(CgroupAttachType.UDP6_RECVMSG, "recvmsg6"),
    GETPEERNAME6(CgroupAttachType.INET6_GETPEERNAME, "getpeername6"),
    SET_RETVAL("set_retval",
            "bpf_set_retval in cgroup connect/sendmsg programs: refuse with ECONNREFUSED (Linux 5.18+)"),
    LPM_TRIE("lpm_trie", "LPM trie maps: longest-prefix match on CIDRs"),
    SOCK_DESTROY("sock_destroy", "the bpf_sock_destroy kfunc: close sockets of removed backends (Linux 6.5+)");

    private final String key;
    private final String description;
    private final CgroupAttachType hook;

    Feature(String key, String description) {
        this.key = key;
        this.description = description;
        this.hook = null;
    }

    Feature(CgroupAttachType hook, String key) {
        this.key = key;
        this.description = "cgroup sock_addr hook " + key;
        this.hook = hook;
    }

    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** The cgroup hook this feature is, for the socket-LB hooks. */
    public Optional<CgroupAttachType> hook() {
        return Optional.ofNullable(hook);
    }

    /**
     * The feature that is {@code hook}.
     *
     * @throws IllegalArgumentException for a hook Senda does not probe
     */
    public static Feature ofHook(CgroupAttachType hook) {
        for (Feature f : values()) {
            if (f.hook == hook) return f;
        }
        throw new IllegalArgumentException("no feature probes cgroup hook " + hook);
    }
}
