package dev.senda.datapath;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client process holding connected UDP sockets, run inside the cgroup under test (socket LB applies
 * per process) by {@link StaleUdpSocketCloserTest}.
 *
 * <p>Arguments: {@code name=ip:port} per socket (IPv4), or {@code name=6:ip:port} for an IPv6 socket
 * connecting to the IPv4 target as {@code ::ffff:ip} (a dual-stack socket, as Java's default sockets
 * are). Each socket is connected and exchanges one
 * datagram at start; then {@code READY}. Commands on stdin: {@code check} (every socket sends
 * "again" and waits 1 s for the answer), {@code reconnect NAME} (close that socket and connect a new
 * one to its target, as an application does after a socket error, then the same exchange; reusing the
 * closed socket would first return its pending error once more). One output line per
 * socket and exchange: {@code OK <name> <answer>} or {@code ERR <name> <error>}. EOF ends it.
 */
public final class ConnectedUdpClient {
    private ConnectedUdpClient() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, DatagramChannel> sockets = new LinkedHashMap<>();
        Map<String, InetSocketAddress> targets = new LinkedHashMap<>();
        Map<String, StandardProtocolFamily> families = new LinkedHashMap<>();
        for (String a : args) {
            String[] nameTarget = a.split("=", 2);
            StandardProtocolFamily family = StandardProtocolFamily.INET;
            if (nameTarget[1].startsWith("6:")) {
                family = StandardProtocolFamily.INET6;
                nameTarget[1] = nameTarget[1].substring(2);
            }
            int colon = nameTarget[1].lastIndexOf(':');
            InetSocketAddress target = new InetSocketAddress(nameTarget[1].substring(0, colon),
                    Integer.parseInt(nameTarget[1].substring(colon + 1)));
            DatagramChannel ch = DatagramChannel.open(family);
            ch.connect(target);
            families.put(nameTarget[0], family);
            sockets.put(nameTarget[0], ch);
            targets.put(nameTarget[0], target);
            out.println(exchange(nameTarget[0], ch, "hello"));
        }
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.strip().split(" ");
            if (f[0].equals("check")) {
                for (var e : sockets.entrySet()) out.println(exchange(e.getKey(), e.getValue(), "again"));
            } else if (f[0].equals("reconnect")) {
                try {
                    sockets.get(f[1]).close();
                    DatagramChannel ch = DatagramChannel.open(families.get(f[1]));
                    sockets.put(f[1], ch);
                    ch.connect(targets.get(f[1]));
                    out.println(exchange(f[1], ch, "again"));
                } catch (IOException e) {
                    out.println("ERR " + f[1] + " " + e);
                }
            }
        }
    }

    private static String exchange(String name, DatagramChannel ch, String text) {
        try {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.socket().setSoTimeout(1000);
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            ch.socket().receive(p);
            return "OK " + name + " " + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            return "ERR " + name + " no answer within 1 s";
        } catch (IOException e) {
            return "ERR " + name + " " + e;
        }
    }
}
