package dev.senda.maps.libbpf;

/**
 * cgroup attach points ({@code enum bpf_attach_type} values, a stable kernel ABI) that Senda's
 * socket LB uses or will use.
 */
public enum CgroupAttachType {
    INET_SOCK_CREATE(2),
    INET4_CONNECT(10),
    INET6_CONNECT(11),
    UDP4_SENDMSG(14),
    UDP6_SENDMSG(15),
    UDP4_RECVMSG(19),
    UDP6_RECVMSG(20),
    INET4_GETPEERNAME(29),
    INET6_GETPEERNAME(30),
    INET4_GETSOCKNAME(31),
    INET6_GETSOCKNAME(32);

    private final int value;

    CgroupAttachType(int value) {
        this.value = value;
    }

    /** The kernel's {@code BPF_CGROUP_*} number. */
    public int value() {
        return value;
    }

    /** @throws IllegalArgumentException for an attach type that is not a listed cgroup hook */
    public static CgroupAttachType ofValue(int value) {
        for (CgroupAttachType t : values()) {
            if (t.value == value) return t;
        }
        throw new IllegalArgumentException("not a known cgroup attach type: " + value);
    }
}
