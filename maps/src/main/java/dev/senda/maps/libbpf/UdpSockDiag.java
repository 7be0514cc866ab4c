package dev.senda.maps.libbpf;

import dev.senda.net.IpAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Connected UDP sockets of a network namespace through sock_diag netlink ({@code NETLINK_SOCK_DIAG}):
 * listed with a {@code SOCK_DIAG_BY_FAMILY} dump, closed one by one with {@code SOCK_DESTROY}, which
 * the kernel serves when built with {@code CONFIG_INET_DIAG_DESTROY} (Debian's kernels are, 6.1
 * included) and which aborts a UDP socket as {@code bpf_sock_destroy} does. This is the way to close
 * sockets on kernels older than that kfunc (Linux 6.5); it costs a dump of the namespace's connected
 * UDP sockets to user space instead of a walk in the kernel.
 *
 * <p>A destroy request names the socket by the exact identity the dump reported (addresses, ports,
 * interface and cookie), so a socket that went away or was replaced meanwhile is not touched (ENOENT).
 * The netlink socket is opened inside the namespace ({@link NetnsThread}), as sock_diag answers for
 * the namespace of the socket asking. Needs CAP_NET_ADMIN.
 */
public final class UdpSockDiag {
    private static final int AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, NETLINK_SOCK_DIAG = 4;
    private static final int SOL_SOCKET = 1, SO_RCVTIMEO = 20;
    private static final int IPPROTO_UDP = 17, TCP_ESTABLISHED = 1;
    private static final short SOCK_DIAG_BY_FAMILY = 20, SOCK_DESTROY = 21;
    private static final short NLMSG_ERROR = 2, NLMSG_DONE = 3;
    private static final short NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4, NLM_F_DUMP = 0x300;
    private static final int NLMSG_HDRLEN = 16;
    /** sizeof(struct inet_diag_req_v2) */
    private static final int REQ_LEN = 56;
    /** sizeof(struct inet_diag_sockid) */
    private static final int SOCKID_LEN = 48;
    /** sizeof(struct inet_diag_msg) */
    private static final int MSG_LEN = 72;
    private static final int EAGAIN = 11, EINTR = 4;
    private static final int BUFFER = 64 * 1024;
    /** At most this many sockets are listed per family and namespace: a bound on memory and time. */
    static final int MAX_SOCKETS = 1 << 20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = libc("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private UdpSockDiag() {
    }

    /**
     * A connected UDP socket as the dump reported it.
     *
     * @param peer   its peer: an IPv4 address for an IPv4 socket and for an IPv6 one connected to
     *               {@code ::ffff:a.b.c.d}, else IPv6
     * @param port   the peer's port
     * @param cookie the socket's cookie (what {@code bpf_get_socket_cookie} returns for it)
     */
    public record Peer(IpAddress peer, int port, long cookie) {
    }

    /** A socket {@link #closeConnected} tried to close, and the errno of the attempt (0: closed). */
    public record Closed(Peer socket, int errno) {
    }

    /**
     * Lists the connected UDP sockets (both families) of {@code netns} and closes those {@code pick}
     * chooses, waiting at most {@code timeout} for the whole namespace.
     *
     * @throws LibbpfException when the namespace cannot be entered (ENOENT: gone), netlink fails, or the
     *                         kernel has no UDP sock_diag (the module is missing)
     */
    public static List<Closed> closeConnected(Path netns, Duration timeout, Predicate<Peer> pick) {
        return NetnsThread.run("sock_diag", netns, timeout, () -> closeHere(pick));
    }

    private static List<Closed> closeHere(Predicate<Peer> pick) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
            if (fd < 0) throw new LibbpfException("open a sock_diag netlink socket", errno(state));
            try {
                MemorySegment tv = arena.allocate(16);
                tv.set(JAVA_LONG, 0, 2);  // 2 s per receive: a bound, netlink answers at once
                if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) != 0) {
                    throw new LibbpfException("set a receive timeout on the sock_diag socket", errno(state));
                }
                MemorySegment buf = arena.allocate(BUFFER);
                List<Closed> out = new ArrayList<>();
                int seq = 1;
                for (int family : new int[]{AF_INET, AF_INET6}) {
                    for (byte[] id : dump(fd, family, seq++, buf, state)) {
                        Peer p = peer(family, id);
                        if (p != null && pick.test(p)) out.add(new Closed(p, destroy(fd, family, id, seq++, buf, state)));
                    }
                }
                return out;
            } finally {
                Native.close(fd);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The sockid (48 bytes, as the kernel wrote it) of every connected UDP socket of {@code family}. */
    private static List<byte[]> dump(int fd, int family, int seq, MemorySegment buf, MemorySegment state) throws Throwable {
        send(fd, request(SOCK_DIAG_BY_FAMILY, (short) (NLM_F_REQUEST | NLM_F_DUMP), seq, family, 1 << TCP_ESTABLISHED,
                new byte[SOCKID_LEN]), buf, state);
        List<byte[]> ids = new ArrayList<>();
        while (true) {
            ByteBuffer b = receive(fd, buf, state);
            while (b.remaining() >= NLMSG_HDRLEN) {
                int start = b.position();
                int len = b.getInt(start);
                short type = b.getShort(start + 4);
                if (len < NLMSG_HDRLEN || start + len > b.limit()) throw new LibbpfException("malformed sock_diag answer");
                if (type == NLMSG_DONE) return ids;
                if (type == NLMSG_ERROR) {
                    int error = b.getInt(start + NLMSG_HDRLEN);
                    throw new LibbpfException("sock_diag dump of UDP sockets (family " + family + ")", -error);
                }
                if (type == SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + MSG_LEN) {
                    byte[] id = new byte[SOCKID_LEN];
                    b.get(start + NLMSG_HDRLEN + 4, id);
                    ids.add(id);
                    if (ids.size() > MAX_SOCKETS) throw new LibbpfException("more than " + MAX_SOCKETS + " UDP sockets");
                }
                b.position(start + align(len));
            }
        }
    }

    /** Sends SOCK_DESTROY for one socket and returns the kernel's answer as an errno (0: closed). */
    private static int destroy(int fd, int family, byte[] id, int seq, MemorySegment buf, MemorySegment state) throws Throwable {
        send(fd, request(SOCK_DESTROY, (short) (NLM_F_REQUEST | NLM_F_ACK), seq, family, -1, id), buf, state);
        while (true) {
            ByteBuffer b = receive(fd, buf, state);
            while (b.remaining() >= NLMSG_HDRLEN) {
                int start = b.position();
                int len = b.getInt(start);
                if (len < NLMSG_HDRLEN || start + len > b.limit()) throw new LibbpfException("malformed sock_diag answer");
                if (b.getShort(start + 4) == NLMSG_ERROR && b.getInt(start + 8) == seq) {
                    return -b.getInt(start + NLMSG_HDRLEN);
                }
                b.position(start + align(len));
            }
        }
    }

    /** An nlmsghdr and a struct inet_diag_req_v2 for UDP of {@code family} with {@code id}. */
    private static byte[] request(short type, short flags, int seq, int family, int states, byte[] id) {
        ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + REQ_LEN).order(ByteOrder.nativeOrder());
        b.putInt(NLMSG_HDRLEN + REQ_LEN).putShort(type).putShort(flags).putInt(seq).putInt(0);
        b.put((byte) family).put((byte) IPPROTO_UDP).put((byte) 0).put((byte) 0).putInt(states);
        b.put(id);
        return b.array();
    }

    /** The peer of a dumped socket (struct inet_diag_sockid: sport, dport, src[16], dst[16], if, cookie[2]). */
    static Peer peer(int family, byte[] id) {
        int port = ((id[2] & 0xff) << 8) | (id[3] & 0xff);
        byte[] dst = Arrays.copyOfRange(id, 20, 36);
        ByteBuffer host = ByteBuffer.wrap(id).order(ByteOrder.nativeOrder());
        long cookie = (host.getInt(40) & 0xffffffffL) | ((long) host.getInt(44) << 32);
        IpAddress peer;
        if (family == AF_INET) {
            peer = IpAddress.of(Arrays.copyOf(dst, 4));
        } else {
            boolean mapped = Arrays.equals(Arrays.copyOf(dst, 12),
                    new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff});
            peer = IpAddress.of(mapped ? Arrays.copyOfRange(dst, 12, 16) : dst);
        }
        if (Arrays.equals(peer.bytes(), new byte[peer.bytes().length]) || port == 0) return null; // not connected
        return new Peer(peer, port, cookie);
    }

    private static void send(int fd, byte[] message, MemorySegment buf, MemorySegment state) throws Throwable {
        MemorySegment.copy(message, 0, buf, JAVA_BYTE, 0, message.length);
        long n = (long) SEND.invokeExact(state, fd, buf, (long) message.length, 0);
        if (n != message.length) throw new LibbpfException("send to sock_diag", n < 0 ? errno(state) : 0);
    }

    private static ByteBuffer receive(int fd, MemorySegment buf, MemorySegment state) throws Throwable {
        while (true) {
            long n = (long) RECV.invokeExact(state, fd, buf, (long) BUFFER, 0);
            if (n > 0) return ByteBuffer.wrap(buf.asSlice(0, n).toArray(JAVA_BYTE)).order(ByteOrder.nativeOrder());
            int errno = n < 0 ? errno(state) : 0;
            if (errno == EINTR) continue;
            throw new LibbpfException(errno == EAGAIN ? "sock_diag did not answer within 2 s" : "receive from sock_diag",
                    errno);
        }
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }

    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d,
                Linker.Option.captureCallState("errno"));
    }
}
