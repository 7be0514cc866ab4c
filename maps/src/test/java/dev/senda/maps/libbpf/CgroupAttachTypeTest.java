package dev.senda.maps.libbpf;

import me.bechberger.ebpf.bpf.raw.Lib;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Our attach-type numbers against the ones rawbpf took from the kernel headers. */
class CgroupAttachTypeTest {

    @Test
    void numbersMatchTheKernelHeaders() {
        Libbpf.ensureAvailable();
        assertEquals(Lib.BPF_CGROUP_INET_SOCK_CREATE(), CgroupAttachType.INET_SOCK_CREATE.value());
        assertEquals(Lib.BPF_CGROUP_INET4_CONNECT(), CgroupAttachType.INET4_CONNECT.value());
        assertEquals(Lib.BPF_CGROUP_INET6_CONNECT(), CgroupAttachType.INET6_CONNECT.value());
        assertEquals(Lib.BPF_CGROUP_UDP4_SENDMSG(), CgroupAttachType.UDP4_SENDMSG.value());
        assertEquals(Lib.BPF_CGROUP_UDP6_SENDMSG(), CgroupAttachType.UDP6_SENDMSG.value());
        assertEquals(Lib.BPF_CGROUP_UDP4_RECVMSG(), CgroupAttachType.UDP4_RECVMSG.value());
        assertEquals(Lib.BPF_CGROUP_UDP6_RECVMSG(), CgroupAttachType.UDP6_RECVMSG.value());
        assertEquals(Lib.BPF_CGROUP_INET4_GETPEERNAME(), CgroupAttachType.INET4_GETPEERNAME.value());
        assertEquals(Lib.BPF_CGROUP_INET6_GETPEERNAME(), CgroupAttachType.INET6_GETPEERNAME.value());
        assertEquals(Lib.BPF_CGROUP_INET4_GETSOCKNAME(), CgroupAttachType.INET4_GETSOCKNAME.value());
        assertEquals(Lib.BPF_CGROUP_INET6_GETSOCKNAME(), CgroupAttachType.INET6_GETSOCKNAME.value());
        assertEquals(Lib.BPF_TCX_INGRESS(), BpfLink.BPF_TCX_INGRESS);
        assertEquals(Lib.BPF_TCX_EGRESS(), BpfLink.BPF_TCX_EGRESS);
    }

    @Test
    void libbpfIsFoundAndErrnoIsDescribed() {
        assertEquals("v1.1", Libbpf.ensureAvailable().substring(0, 4).replaceAll("[^v0-9.]", "").substring(0, 4));
        LibbpfException e = new LibbpfException("open pinned map /x", -2);
        assertEquals(2, e.errno());
        assertEquals("open pinned map /x: No such file or directory (errno 2)", e.getMessage());
    }
}
