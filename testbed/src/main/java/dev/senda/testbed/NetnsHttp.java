package dev.senda.testbed;

import dev.senda.net.IpAddress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A minimal HTTP/1.0 GET made from inside a network namespace, for the agent's /healthz and /metrics
 * on the node namespace's loopback (no curl needed on the host, no port exposed to the root
 * namespace).
 */
public final class NetnsHttp {
    private NetnsHttp() {
    }

    /** Status code and body of one response. */
    public record Response(int status, String body) {
    }

    /**
     * GETs {@code http://ip:port/path} from inside {@code netns} ({@code ip} an IPv4 or IPv6 literal).
     *
     * @throws IOException when the connection fails or the answer is not HTTP
     */
    public static Response get(Path netns, String ip, int port, String path, Duration timeout) throws IOException {
        return Netns.call(netns, timeout.plusSeconds(1), () -> {
            try (Socket s = new Socket()) {
                InetAddress address = InetAddress.ofLiteral(ip);
                s.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
                s.setSoTimeout((int) timeout.toMillis());
                OutputStream out = s.getOutputStream();
                out.write(("GET " + path + " HTTP/1.0\r\nHost: " + IpAddress.of(address).withPort(port)
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String text = new String(in.readNBytes(4 * 1024 * 1024), StandardCharsets.UTF_8);
                return parse(text);
            }
        });
    }

    static Response parse(String text) throws IOException {
        int eol = text.indexOf("\r\n");
        String statusLine = eol >= 0 ? text.substring(0, eol) : text;
        String[] f = statusLine.split(" ", 3);
        if (f.length < 2 || !f[0].startsWith("HTTP/")) throw new IOException("not an HTTP answer: '" + statusLine + "'");
        int bodyAt = text.indexOf("\r\n\r\n");
        return new Response(Integer.parseInt(f[1]), bodyAt >= 0 ? text.substring(bodyAt + 4) : "");
    }
}
