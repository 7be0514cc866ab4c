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
 * A stub resolver as long-running programs have them: one connected UDP socket from a fixed source
 * port to the cluster DNS Service, asking for one name's A record without pause (the case where a
 * query can stick to a DNS pod that is gone). Run by {@link DnsStream} as a process in a pod (and, for
 * socket LB, the node's cgroup).
 *
 * <p>Arguments: {@code <dns-ip> <name> <source-port> <wait-ms> <max-seconds>}. On a socket error it
 * opens a new socket on the same port at once, as {@link UdpStreamClient} does. Output, one line per
 * round: {@code OK <epoch-ms> <first address>}, {@code TIMEOUT <epoch-ms>}, {@code ERR <epoch-ms> <error>}.
 * Ends after max-seconds or when stdin reaches EOF.
 */
public final class DnsStreamClient {
    private DnsStreamClient() {
    }

    public static void main(String[] args) throws IOException {
        InetAddress ip = InetAddress.getByName(args[0]);
        String name = args[1];
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
        StandardProtocolFamily family = ip.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        DatagramChannel ch = null;
        int id = 0;
        boolean failedBefore = false;
        while (System.nanoTime() < end) {
            try {
                if (ch == null) {
                    ch = DatagramChannel.open(family);
                    ch.bind(new InetSocketAddress(sourcePort));
                    ch.connect(new InetSocketAddress(ip, 53));
                    ch.socket().setSoTimeout(waitMs);
                }
                id = (id + 1) & 0xffff;
                ch.write(ByteBuffer.wrap(DnsWire.query(id, name, DnsWire.TYPE_A)));
                long deadline = System.currentTimeMillis() + waitMs;
                String answer = null;
                while (answer == null && System.currentTimeMillis() < deadline) {
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    ch.socket().receive(p); // a late answer to an earlier query is skipped by its id
                    var a = DnsWire.answers(p.getData(), p.getLength(), id, DnsWire.TYPE_A);
                    if (a.isPresent() && !a.get().isEmpty()) answer = a.get().getFirst().getHostAddress();
                }
                if (answer == null) throw new SocketTimeoutException();
                out.println("OK " + System.currentTimeMillis() + " " + answer);
                failedBefore = false;
            } catch (SocketTimeoutException e) {
                out.println("TIMEOUT " + System.currentTimeMillis());
            } catch (IOException e) {
                out.println("ERR " + System.currentTimeMillis() + " " + e);
                if (ch != null && ch.isConnected() && !failedBefore) {
                    close(ch);
                    ch = null;
                    failedBefore = true;
                } else {
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
