package dev.senda.datapath;

import dev.senda.net.IpAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A socket client run as a child process inside the cgroup under test (cgroup membership is
 * per process, so the test JVM cannot put only itself in). It calls the socket syscalls
 * directly through FFM, because the JDK caches the address given to connect() and never asks
 * the kernel's getpeername(), which is exactly what the getpeername4 hook rewrites.
 *
 * <p>Arguments: operations {@code tcp:ADDR:PORT}, {@code udp:ADDR:PORT} (unconnected
 * sendto/recvfrom) and {@code cudp:ADDR:PORT} (connect, send, recv); ADDR is an IPv4 address or
 * a bracketed IPv6 one ({@code tcp:[fd00:96::a]:80}), and the socket is of ADDR's family; a suffix
 * {@code @SRC} binds the socket to the source address SRC (port 0) first. One output line each:
 * {@code OK <op> peer=<addr:port> data=<text> ms=<t>} or {@code ERR <op> errno=<n> ms=<t>}, where
 * t is how long the operation took (a refusal must be immediate, not a timeout).
 */
public final class SockProbe {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** sizeof(struct sockaddr_in6), large enough for either family. */
    private static final int SOCKADDR_MAX = 28;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = fn("socket", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle BIND = fn("bind", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CONNECT = fn("connect", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle GETPEERNAME = fn("getpeername", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle SETSOCKOPT = fn("setsockopt", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle SENDTO = fn("sendto", ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle RECVFROM = fn("recvfrom", ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private SockProbe() {
    }

    private static MethodHandle fn(String name, ValueLayout ret, ValueLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(ret, args), CAPTURE);
    }

    public static void main(String[] args) throws Throwable {
        for (String op : args) {
            int at = op.indexOf('@');
            String src = at < 0 ? null : op.substring(at + 1);
            String target = at < 0 ? op : op.substring(0, at);
            String kind = target.substring(0, target.indexOf(':'));
            String addr = target.substring(target.indexOf(':') + 1, target.lastIndexOf(':')).replace("[", "").replace("]", "");
            int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            try (Arena arena = Arena.ofConfined()) {
                long start = System.nanoTime();
                String result = run(arena, kind, addr, port, src, op);
                System.out.println(result + " ms=" + (System.nanoTime() - start) / 1_000_000);
            }
        }
        System.out.flush();
    }

    /** Datagrams {@code udpmany} sends on one socket. */
    static final int MANY = 16;

    private static String run(Arena arena, String kind, String addr, int port, String src, String op) throws Throwable {
        if (kind.equals("udpmany")) return runMany(arena, addr, port, op);
        MemorySegment state = arena.allocate(CALL_STATE);
        boolean tcp = kind.equals("tcp");
        int fd = (int) SOCKET.invokeExact(state, family(addr), tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
        if (fd < 0) return "ERR " + op + " errno=" + errno(state);
        try {
            int rc = boundReceives(arena, state, fd);
            if (rc < 0) return "ERR " + op + " errno=" + errno(state);
            if (src != null) {
                MemorySegment local = sockaddr(arena, src, 0);
                rc = (int) BIND.invokeExact(state, fd, local, (int) local.byteSize());
                if (rc < 0) return "ERR " + op + " bind errno=" + errno(state);
            }
            MemorySegment dest = sockaddr(arena, addr, port);
            MemorySegment buf = arena.allocate(512);
            if (!kind.equals("udp")) {
                rc = (int) CONNECT.invokeExact(state, fd, dest, (int) dest.byteSize());
                if (rc < 0) return "ERR " + op + " errno=" + errno(state);
            }
            long n;
            MemorySegment from = arena.allocate(SOCKADDR_MAX);
            MemorySegment fromLen = arena.allocate(ValueLayout.JAVA_INT);
            fromLen.set(ValueLayout.JAVA_INT, 0, SOCKADDR_MAX);
            if (tcp) {
                n = (long) RECVFROM.invokeExact(state, fd, buf, 512L, 0, MemorySegment.NULL, MemorySegment.NULL);
            } else {
                MemorySegment hello = arena.allocateFrom("hello", StandardCharsets.US_ASCII);
                long sent = kind.equals("udp")
                        ? (long) SENDTO.invokeExact(state, fd, hello, 5L, 0, dest, (int) dest.byteSize())
                        : (long) SENDTO.invokeExact(state, fd, hello, 5L, 0, MemorySegment.NULL, 0);
                if (sent < 0) return "ERR " + op + " errno=" + errno(state);
                n = (long) RECVFROM.invokeExact(state, fd, buf, 512L, 0, from, fromLen);
            }
            if (n < 0) return "ERR " + op + " errno=" + errno(state);
            String data = new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
            String peer;
            if (kind.equals("udp")) {
                peer = format(from);
            } else {
                MemorySegment name = arena.allocate(SOCKADDR_MAX);
                MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
                len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_MAX);
                rc = (int) GETPEERNAME.invokeExact(state, fd, name, len);
                if (rc < 0) return "ERR " + op + " getpeername errno=" + errno(state);
                peer = format(name);
            }
            return "OK " + op + " peer=" + peer + " data=" + data;
        } finally {
            int ignored = (int) CLOSE.invokeExact(fd);
        }
    }

    /**
     * {@code udpmany:ADDR:PORT}: {@value #MANY} sendto/recvfrom round trips on one unconnected socket;
     * reports the distinct answers and the distinct peers they came from.
     */
    private static String runMany(Arena arena, String addr, int port, String op) throws Throwable {
        MemorySegment state = arena.allocate(CALL_STATE);
        int fd = (int) SOCKET.invokeExact(state, family(addr), SOCK_DGRAM, 0);
        if (fd < 0) return "ERR " + op + " errno=" + errno(state);
        try {
            int rc = boundReceives(arena, state, fd);
            if (rc < 0) return "ERR " + op + " errno=" + errno(state);
            MemorySegment dest = sockaddr(arena, addr, port);
            MemorySegment buf = arena.allocate(512);
            MemorySegment hello = arena.allocateFrom("hello", StandardCharsets.US_ASCII);
            java.util.TreeSet<String> answers = new java.util.TreeSet<>();
            java.util.TreeSet<String> peers = new java.util.TreeSet<>();
            for (int i = 0; i < MANY; i++) {
                long sent = (long) SENDTO.invokeExact(state, fd, hello, 5L, 0, dest, (int) dest.byteSize());
                if (sent < 0) return "ERR " + op + " errno=" + errno(state);
                MemorySegment from = arena.allocate(SOCKADDR_MAX);
                MemorySegment fromLen = arena.allocate(ValueLayout.JAVA_INT);
                fromLen.set(ValueLayout.JAVA_INT, 0, SOCKADDR_MAX);
                long n = (long) RECVFROM.invokeExact(state, fd, buf, 512L, 0, from, fromLen);
                if (n < 0) return "ERR " + op + " errno=" + errno(state);
                answers.add(new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
                peers.add(format(from));
            }
            return "OK " + op + " peers=" + String.join(",", peers) + " answers=" + String.join(",", answers);
        } finally {
            int ignored = (int) CLOSE.invokeExact(fd);
        }
    }

    /** Bound every wait: a lost datagram must end the probe, not hang it (SO_RCVTIMEO 3 s). */
    private static int boundReceives(Arena arena, MemorySegment state, int fd) throws Throwable {
        MemorySegment tv = arena.allocate(16);
        tv.set(ValueLayout.JAVA_LONG, 0, 3);
        return (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static int family(String addr) {
        return addr.contains(":") ? AF_INET6 : AF_INET;
    }

    /**
     * struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes): family in host order, port and
     * address in network order.
     */
    private static MemorySegment sockaddr(Arena arena, String addr, int port) {
        IpAddress ip = IpAddress.parse(addr).orElseThrow(() -> new IllegalArgumentException(addr));
        boolean v6 = ip.isIpv6();
        MemorySegment sa = arena.allocate(v6 ? 28 : 16);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
        sa.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        MemorySegment.copy(MemorySegment.ofArray(ip.bytes()), 0, sa, v6 ? 8 : 4, v6 ? 16 : 4);
        return sa;
    }

    /** "a.b.c.d:port" or "[v6]:port"; an IPv4-mapped IPv6 peer prints as "[::ffff:a.b.c.d]:port". */
    private static String format(MemorySegment sa) {
        int port = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        if (sa.get(ValueLayout.JAVA_SHORT, 0) == AF_INET6) {
            byte[] b = sa.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            boolean mapped = true;
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                return "[::ffff:" + IpAddress.of(java.util.Arrays.copyOfRange(b, 12, 16)) + "]:" + port;
            }
            return IpAddress.of(b).withPort(port);
        }
        return IpAddress.of(sa.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)).withPort(port);
    }
}
