package dev.senda.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * A UDP client with a fixed source port that sends to one target without pause, as the Kubernetes
 * conntrack e2e client does ({@code nc -u -p <port>} in a loop), but through one long-lived connected
 * socket: the harder case for socket LB, which translates a socket once, at connect(). Run by
 * {@link UdpStream} as a process inside a pod (and, for socket LB, the node's cgroup).
 *
 * <p>Arguments: {@code <ip> <port> <source-port> <wait-ms> <max-seconds>}. Each round sends
 * "ping" and waits at most wait-ms for the answer. On a socket error (the socket was closed under it,
 * an ICMP error came back) it behaves as an application would: closes the socket and at once opens a new
 * one on the same source port, connected to the same target (after a failed open or connect, or a
 * second error in a row, it waits a round first). Output, one line per round:
 * {@code OK <epoch-ms> <answer>}, {@code TIMEOUT <epoch-ms>}, {@code ERR <epoch-ms> <error>}.
 * Ends after max-seconds or when stdin reaches EOF.
 */
public final class UdpStreamClient {
    private UdpStreamClient() {
    }

    public static void main(String[] args) throws IOException {
        InetAddress ip = InetAddress.getByName(args[0]);
        InetSocketAddress target = new InetSocketAddress(ip, Integer.parseInt(args[1]));
        int sourcePort = Integer.parseInt(args[2]);
        int waitMs = Integer.parseInt(args[3]);
        long end = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is read from stdin but its end
                }
            } catch (IOException e) {
                // the parent went away
            }
            System.exit(0);
        });
        StandardProtocolFamily family = ip.getAddress().length == 4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        DatagramChannel ch = null;
        byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
        boolean failedBefore = false; // the last round failed too: wait before the next (no tight loop)
        while (System.nanoTime() < end) {
            try {
                if (ch == null) {
                    ch = DatagramChannel.open(family);
                    ch.bind(new InetSocketAddress(sourcePort));
                    ch.connect(target);
                    ch.socket().setSoTimeout(waitMs);
                }
                ch.write(ByteBuffer.wrap(ping));
                DatagramPacket p = new DatagramPacket(new byte[512], 512);
                ch.socket().receive(p);
                out.println("OK " + System.currentTimeMillis() + " "
                        + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).strip());
                failedBefore = false;
            } catch (SocketTimeoutException e) {
                out.println("TIMEOUT " + System.currentTimeMillis());
            } catch (IOException e) {
                out.println("ERR " + System.currentTimeMillis() + " " + e);
                if (ch != null && ch.isConnected() && !failedBefore) {
                    // the socket failed: a new one at once, as an application reconnecting on error would
                    close(ch);
                    ch = null;
                    failedBefore = true;
                } else {
                    // opening or connecting failed: no tight loop while, say, the port is still held
                    if (ch != null) close(ch);
                    ch = null;
                    sleep(waitMs);
                }
            }
        }
    }

    private static void close(DatagramChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a new socket is opened either way
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
