package dev.senda.testbed;

import dev.senda.net.IpAddress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * The client program a {@link PodClient} runs inside a pod (and, for socket LB, inside the cgroup):
 * one long-lived process answering request lines on stdin, so a request costs a millisecond instead
 * of a process start.
 *
 * <p>Input lines: {@code tcp|udp|udpu <ip> <port> <timeout-ms>}, {@code <ip>} an IPv4 or IPv6
 * literal (no brackets). Output, one line per request: {@code OK <ms> <peer> <answer>} or
 * {@code ERR <ms> <error>}. {@code <peer>} is what the application sees as the other end,
 * {@code ip:port} or {@code [ipv6]:port}: for TCP the kernel's getpeername(2) of the connected
 * socket, for {@code udp} (a connected socket) and {@code udpu} (sendto/recvfrom, no connect) the
 * source address of the reply. With socket LB both must still be the Service VIP. TCP goes through
 * raw libc calls (FFM) precisely so that getpeername is really asked: Java's sockets only remember
 * the address they were told to connect to.
 *
 * <p>The socket's family is the target's: AF_INET for an IPv4 target (it meets the cgroup
 * connect4/sendmsg4 hooks, as socat's and most C clients' sockets do), AF_INET6 for an IPv6 one
 * (connect6/sendmsg6). Never a dual-stack socket with an IPv4-mapped address, which would meet the
 * IPv6 hooks for an IPv4 Service.
 */
public final class ClientMain {
    private ClientMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("READY");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            out.println(handle(line.strip()));
        }
    }

    static String handle(String line) {
        String[] f = line.split(" ");
        long start = System.nanoTime();
        try {
            if (f.length != 4) throw new IllegalArgumentException("expected '<proto> <ip> <port> <timeout-ms>'");
            IpAddress ip = IpAddress.parse(f[1]).orElseThrow(() -> new IllegalArgumentException("not an IP literal: " + f[1]));
            int port = Integer.parseInt(f[2]);
            int timeout = Integer.parseInt(f[3]);
            String[] r = switch (f[0]) {
                case "tcp" -> RawTcp.request(ip, port, timeout);
                case "udp" -> udp(ip, port, timeout, true);
                case "udpu" -> udp(ip, port, timeout, false);
                default -> throw new IllegalArgumentException("unknown protocol " + f[0]);
            };
            return "OK " + ms(start) + " " + r[0] + " " + r[1];
        } catch (Throwable e) {
            String msg = e.getMessage() != null ? e.getMessage() : e.toString();
            return "ERR " + ms(start) + " " + msg.replace('\n', ' ');
        }
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * One datagram and its answer, on a socket of the target's family. The JDK's own words for
     * errors are kept (tests match them): "Connection refused" from connect(2),
     * {@code java.net.PortUnreachableException} when an ICMP error reached a connected socket.
     */
    private static String[] udp(IpAddress ip, int port, int timeout, boolean connected) throws IOException {
        ProtocolFamily family = ip.isIpv4() ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        try (DatagramChannel channel = DatagramChannel.open(family)) {
            DatagramSocket s = channel.socket();
            s.setSoTimeout(timeout);
            byte[] ping = "ping\n".getBytes(StandardCharsets.UTF_8);
            InetAddress target = ip.toInetAddress();
            if (connected) s.connect(target, port);
            s.send(new DatagramPacket(ping, ping.length, target, port));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            try {
                s.receive(reply);
            } catch (SocketTimeoutException e) {
                throw new IOException("no UDP answer within " + timeout + " ms");
            }
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8).strip();
            return new String[]{IpAddress.of(reply.getAddress()).withPort(reply.getPort()), text};
        }
    }

    /** A TCP request through libc, so that connect errors carry the kernel's words and getpeername is real. */
    static final class RawTcp {
        private static final int AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;
        /** sizeof(struct sockaddr_in6); a struct sockaddr_in (16 bytes) fits too. */
        private static final int SOCKADDR_MAX = 28;
        private static final int SOL_SOCKET = 1, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21;
        private static final int EINPROGRESS = 115, EAGAIN = 11;
        private static final Linker LINKER = Linker.nativeLinker();
        private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
        private static final ValueLayout A = ValueLayout.ADDRESS;
        private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(I, I, I, I));
        private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt", FunctionDescriptor.of(I, I, I, I, A, I));
        private static final MethodHandle CONNECT = errnoCall("connect", FunctionDescriptor.of(I, I, A, I));
        private static final MethodHandle GETPEERNAME = errnoCall("getpeername", FunctionDescriptor.of(I, I, A, A));
        private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(L, I, A, L));
        private static final MethodHandle CLOSE = plainCall("close", FunctionDescriptor.of(I, I));
        private static final MethodHandle STRERROR = plainCall("strerror", FunctionDescriptor.of(A, I));

        private RawTcp() {
        }

        static String[] request(IpAddress ip, int port, int timeoutMs) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment st = arena.allocate(CAPTURE);
                int fd = (int) SOCKET.invokeExact(st, ip.isIpv4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd < 0) throw error("socket", st);
                try {
                    MemorySegment tv = arena.allocate(16);
                    tv.set(L, 0, timeoutMs / 1000);
                    tv.set(L, 8, (timeoutMs % 1000) * 1000L);
                    // SO_SNDTIMEO bounds a blocking connect() on Linux, SO_RCVTIMEO the reads
                    if ((int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_SNDTIMEO, tv, 16) != 0) throw error("setsockopt", st);
                    if ((int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) != 0) throw error("setsockopt", st);
                    MemorySegment sa = sockaddr(arena, ip, port);
                    if ((int) CONNECT.invokeExact(st, fd, sa, (int) sa.byteSize()) != 0) {
                        int errno = errno(st);
                        if (errno == EINPROGRESS) throw new IOException("connect timed out after " + timeoutMs + " ms");
                        throw new IOException("connect: " + strerror(errno));
                    }
                    MemorySegment peer = arena.allocate(SOCKADDR_MAX);
                    MemorySegment len = arena.allocate(I);
                    len.set(I, 0, SOCKADDR_MAX);
                    if ((int) GETPEERNAME.invokeExact(st, fd, peer, len) != 0) throw error("getpeername", st);
                    String peerText = peerToString(peer);
                    return new String[]{peerText, readLine(arena, st, fd, timeoutMs)};
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            }
        }

        private static String readLine(Arena arena, MemorySegment st, int fd, int timeoutMs) throws Throwable {
            MemorySegment buf = arena.allocate(512);
            StringBuilder text = new StringBuilder();
            while (text.length() < 4096) {
                long n = (long) READ.invokeExact(st, fd, buf, 512L);
                if (n < 0) {
                    if (errno(st) == EAGAIN) throw new IOException("no answer within " + timeoutMs + " ms");
                    throw error("read", st);
                }
                if (n == 0) break;
                text.append(new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
                int nl = text.indexOf("\n");
                if (nl >= 0) return text.substring(0, nl);
            }
            if (text.isEmpty()) throw new IOException("connection closed without an answer");
            return text.toString().strip();
        }

        /** A struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes, flow info and scope 0) for the target. */
        private static MemorySegment sockaddr(Arena arena, IpAddress ip, int port) {
            byte[] address = ip.bytes();
            MemorySegment sa = arena.allocate(ip.isIpv4() ? 16 : SOCKADDR_MAX); // zeroed
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) (ip.isIpv4() ? AF_INET : AF_INET6)); // host order
            sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));                          // network order
            sa.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
            MemorySegment.copy(address, 0, sa, ValueLayout.JAVA_BYTE, ip.isIpv4() ? 4 : 8, address.length);
            return sa;
        }

        /** "ip:port" or "[ipv6]:port" of a sockaddr_in / sockaddr_in6 that getpeername filled. */
        private static String peerToString(MemorySegment sa) {
            int family = sa.get(ValueLayout.JAVA_SHORT, 0);
            int port = ((sa.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8) | (sa.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
            byte[] address = family == AF_INET6 ? sa.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE)
                    : sa.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
            return IpAddress.of(address).withPort(port);
        }

        private static IOException error(String call, MemorySegment st) throws Throwable {
            return new IOException(call + ": " + strerror(errno(st)));
        }

        private static int errno(MemorySegment st) {
            return (int) ERRNO.get(st, 0L);
        }

        private static String strerror(int errno) throws Throwable {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        }

        private static MethodHandle errnoCall(String name, FunctionDescriptor d) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d,
                    Linker.Option.captureCallState("errno"));
        }

        private static MethodHandle plainCall(String name, FunctionDescriptor d) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
        }
    }
}
