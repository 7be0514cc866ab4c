package dev.senda.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * The loop shared by the long-running UDP clients ({@link UdpStreamClient}, {@link DnsStreamClient}):
 * one connected UDP socket from a fixed source port, asked one question per round without pause, as
 * long-lived programs hold their sockets (the hard case for socket LB, which translates a socket once,
 * at connect()).
 *
 * <p>On a socket error (closed under it, an ICMP error came back) it behaves as an application would:
 * closes the socket and at once opens a new one on the same source port, connected to the same target;
 * after a failed open or connect, or a second error in a row, it waits a round first, so there is no
 * tight loop. Output, one line per round: {@code OK <epoch-ms> <answer>}, {@code TIMEOUT <epoch-ms>},
 * {@code ERR <epoch-ms> <error>}. Ends after {@code maxSeconds} or when stdin reaches EOF (the parent
 * test went away).
 */
final class ConnectedUdpLoop {
    /** One round on a connected socket whose receive timeout is set: the answer, or a timeout. */
    interface Round {
        String ask(DatagramChannel ch, int waitMs) throws IOException;
    }

    private ConnectedUdpLoop() {
    }

    static void run(InetSocketAddress target, int sourcePort, int waitMs, long maxSeconds, Round round) {
        long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        exitAtEndOfStdin();
        StandardProtocolFamily family = target.getAddress().getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        DatagramChannel ch = null;
        boolean failedBefore = false; // the last round failed too: wait before the next
        while (System.nanoTime() < end) {
            try {
                if (ch == null) {
                    ch = DatagramChannel.open(family);
                    ch.bind(new InetSocketAddress(sourcePort));
                    ch.connect(target);
                    ch.socket().setSoTimeout(waitMs);
                }
                out.println("OK " + System.currentTimeMillis() + " " + round.ask(ch, waitMs));
                failedBefore = false;
            } catch (SocketTimeoutException e) {
                out.println("TIMEOUT " + System.currentTimeMillis());
            } catch (IOException e) {
                out.println("ERR " + System.currentTimeMillis() + " " + e);
                boolean socketFailed = ch != null && ch.isConnected() && !failedBefore;
                if (ch != null) close(ch);
                ch = null;
                if (socketFailed) {
                    failedBefore = true; // a new socket at once, as an application reconnecting on error would
                } else {
                    sleep(waitMs); // opening or connecting failed: the port may still be held
                }
            }
        }
    }

    private static void exitAtEndOfStdin() {
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
