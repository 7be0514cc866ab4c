package dev.senda.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of an HTTP/1.1 API server that, on command, fails the way API servers
 * fail: refused, a black hole, 503s, or 410 Gone to every watch. Tests put it between the agent and a
 * mock API server. Threads: one accept thread, two virtual threads per connection; {@link #close()}
 * ends them all.
 */
public final class ApiFaultProxy implements AutoCloseable {
    /** What the proxy does with traffic from now on. */
    public enum Mode {
        /** Forwards every byte both ways. */
        PASS,
        /** As a stopped server: open connections and every new one are reset at once. */
        STOPPED,
        /**
         * Open connections stop carrying bytes in both directions without being closed (no FIN, no RST),
         * as when a NAT or load balancer silently forgets them; new connections are accepted and carry
         * nothing either. Connections black-holed once stay so after the mode changes back.
         */
        BLACKHOLE,
        /** Open connections are reset; every new request is answered 503 and its connection closed. */
        UNAVAILABLE,
        /**
         * Open connections are reset; a new connection whose first request is a watch is answered 410 Gone
         * (an expired resource version), any other request is forwarded. fabric8's watches are WebSockets,
         * each opened on a new connection, so every watch is seen here.
         */
        GONE_TO_WATCHES
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private ApiFaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = Thread.ofPlatform().daemon().name("api-fault-proxy-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /** Listens on an ephemeral loopback port and forwards to {@code target}. */
    public static ApiFaultProxy start(InetSocketAddress target) throws IOException {
        ServerSocket s = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        return new ApiFaultProxy(s, target);
    }

    public int port() {
        return server.getLocalPort();
    }

    public Mode mode() {
        return mode;
    }

    /** Switches mode; open connections are treated as the new mode says (see {@link Mode}). */
    public void mode(Mode next) {
        mode = next;
        for (Pair p : open) {
            switch (next) {
                case PASS -> { }
                case BLACKHOLE -> p.dead = true;
                case STOPPED, UNAVAILABLE, GONE_TO_WATCHES -> p.reset();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket inside;
            try {
                inside = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Mode m = mode;
            switch (m) {
                case STOPPED -> reset(inside);
                case BLACKHOLE -> {
                    Pair p = new Pair(inside, null);
                    p.dead = true;
                    open.add(p);
                    Thread.ofVirtual().start(() -> p.pump(inside, null, new byte[0]));
                }
                case PASS -> forward(inside, new byte[0]);
                case UNAVAILABLE, GONE_TO_WATCHES -> Thread.ofVirtual().start(() -> answerOrForward(inside, m));
            }
        }
    }

    /** Reads the first request's head; answers it in the failure mode, or forwards it with the rest. */
    private void answerOrForward(Socket inside, Mode m) {
        try {
            inside.setSoTimeout(5000);
            byte[] head = readHead(inside.getInputStream());
            inside.setSoTimeout(0);
            String requestLine = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            if (m == Mode.UNAVAILABLE) {
                answer(inside, 503, "Service Unavailable", "ServiceUnavailable", "the API server is upgrading");
            } else if (requestLine.contains("watch=true") || requestLine.contains("watch=1")) {
                goneInStream(inside, new String(head, StandardCharsets.ISO_8859_1));
            } else {
                forward(inside, head);
            }
        } catch (IOException e) {
            closeQuietly(inside);
        }
    }

    /**
     * As the API server answers a watch from a resource version it no longer has: the watch is accepted
     * and its first event is an ERROR carrying a 410 Status (over a WebSocket when the client asked for
     * one, as fabric8 does, else as a streamed HTTP body), then the stream ends.
     */
    private static void goneInStream(Socket s, String head) throws IOException {
        String event = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}}\n";
        byte[] payload = event.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        String key = header(head, "sec-websocket-key");
        if (key == null) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + payload.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
        } else {
            String accept;
            try {
                accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException(e);
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(frame(0x1, payload));       // text: the ERROR event (unmasked, as from a server)
            out.write(frame(0x8, new byte[]{0x03, (byte) 0xE8})); // close, 1000
        }
        out.flush();
        s.shutdownOutput();
        closeQuietly(s);
    }

    private static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(payload.length);
        } else {
            f.write(126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        }
        f.writeBytes(payload);
        return f.toByteArray();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4 && head.size() < 64 * 1024) {
            int b = in.read();
            if (b < 0) throw new IOException("closed before the request head ended");
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static void answer(Socket s, int code, String text, String reason, String message) throws IOException {
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + code + " " + text + "\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
        s.shutdownOutput();
        closeQuietly(s);
    }

    private void forward(Socket inside, byte[] alreadyRead) {
        Socket outside = new Socket();
        try {
            outside.connect(target, 2000);
        } catch (IOException e) {
            reset(inside);
            closeQuietly(outside);
            return;
        }
        Pair p = new Pair(inside, outside);
        open.add(p);
        Thread.ofVirtual().start(() -> p.pump(inside, outside, alreadyRead));
        Thread.ofVirtual().start(() -> p.pump(outside, inside, new byte[0]));
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close() sends a RST
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(s);
    }

    /** One client connection and, unless it was black-holed from the start, its server connection. */
    private final class Pair {
        final Socket inside;
        final Socket outside;
        volatile boolean dead;

        Pair(Socket inside, Socket outside) {
            this.inside = inside;
            this.outside = outside;
        }

        /** Copies {@code from} to {@code to} (reading and dropping once dead) until either side ends. */
        void pump(Socket from, Socket to, byte[] first) {
            try {
                InputStream in = from.getInputStream();
                if (first.length > 0 && to != null) to.getOutputStream().write(first);
                byte[] buf = new byte[16 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (dead || to == null) continue; // swallowed: the peer never hears of it
                    OutputStream out = to.getOutputStream();
                    out.write(buf, 0, n);
                    out.flush();
                }
                if (!dead && to != null) to.shutdownOutput();
            } catch (IOException e) {
                // reset or closed
            }
            // A black-holed connection ends only when its client gives up on it.
            if (!dead || from == inside) close();
        }

        void reset() {
            ApiFaultProxy.reset(inside);
            if (outside != null) closeQuietly(outside);
            open.remove(this);
        }

        void close() {
            closeQuietly(inside);
            if (outside != null) closeQuietly(outside);
            open.remove(this);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Pair p : open) p.close();
        open.clear();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // being torn down anyway
        }
    }
}
