package dev.senda.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The prober a {@link NetpolProber} runs inside one pod's network namespace (and, for socket LB,
 * the node's cgroup): one long-lived process per pod that runs every probe it is given at once,
 * each on its own thread, so a round of the matrix costs one probe timeout, not one per
 * denied probe.
 *
 * <p>Input lines: {@code <id> tcp|udp <ip> <port> <timeout-ms>}. Output, one line per probe in
 * completion order: {@code <id> OK <answer line>} or {@code <id> ERR <reason>}. A TCP probe connects
 * and reads the server's one-line answer; a UDP probe sends one datagram on a connected socket and
 * waits for the answer. Policy drops are silent, so a denied probe ends with its timeout. Each
 * socket has the target's family (AF_INET for an IPv4 target, so it meets the cgroup's connect4
 * and sendmsg4 hooks). Ends at EOF on stdin.
 */
public final class NetpolProberMain {
    private NetpolProberMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("READY");
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.strip().split(" ");
            if (f.length != 5) {
                out.println((f.length > 0 ? f[0] : "?") + " ERR bad line '" + line + "'");
                continue;
            }
            // platform threads: a blocking connect or receive on a virtual thread may pin one of the
            // few carriers and hold up every other probe past its timeout
            Thread.ofPlatform().daemon().start(() -> {
                String result = probe(f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]));
                synchronized (out) {
                    out.println(f[0] + " " + result);
                }
            });
        }
    }

    static String probe(String proto, String ip, int port, int timeoutMs) {
        try {
            InetAddress address = InetAddress.ofLiteral(ip);
            ProtocolFamily family = address.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            InetSocketAddress target = new InetSocketAddress(address, port);
            return "OK " + switch (proto) {
                case "tcp" -> tcp(family, target, timeoutMs);
                case "udp" -> udp(family, target, timeoutMs);
                default -> throw new IOException("unknown protocol " + proto);
            };
        } catch (SocketTimeoutException e) {
            return "ERR timeout";
        } catch (Exception e) {
            return "ERR " + String.valueOf(e.getMessage() != null ? e.getMessage() : e).replace('\n', ' ');
        }
    }

    private static String tcp(ProtocolFamily family, InetSocketAddress target, int timeoutMs) throws IOException {
        try (SocketChannel ch = SocketChannel.open(family)) {
            ch.socket().connect(target, timeoutMs);
            ch.socket().setSoTimeout(timeoutMs);
            InputStream in = ch.socket().getInputStream();
            byte[] buf = new byte[256];
            StringBuilder text = new StringBuilder();
            int n;
            while (text.indexOf("\n") < 0 && text.length() < 256 && (n = in.read(buf)) > 0) {
                text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            if (text.isEmpty()) throw new IOException("closed without an answer");
            return text.toString().strip();
        }
    }

    private static String udp(ProtocolFamily family, InetSocketAddress target, int timeoutMs) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.connect(target);
            ch.socket().setSoTimeout(timeoutMs);
            byte[] ping = "ping\n".getBytes(StandardCharsets.UTF_8);
            ch.socket().send(new DatagramPacket(ping, ping.length, target));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            ch.socket().receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8).strip();
        }
    }
}
