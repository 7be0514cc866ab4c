package dev.senda.agent;

import dev.senda.net.IpAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code ADDR:PORT} a server binds to, parsed from a command-line flag without DNS.
 *
 * <p>Accepted: {@code 0.0.0.0:10256}, {@code 127.0.0.1:10249}, {@code [::1]:10249},
 * {@code :10256} (empty address = all IPv4 addresses). Port 0 asks for an ephemeral port (tests).
 * Host names are rejected rather than resolved, so a typo cannot silently bind elsewhere.
 */
public record BindAddress(InetAddress address, int port) {
    public BindAddress {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }

    /**
     * Parses {@code text} given to {@code flag}.
     *
     * @param flag the flag's name as the user typed it (e.g. {@code --healthz-bind}), for the message
     * @throws IllegalArgumentException naming the flag, the value and what is expected
     */
    public static BindAddress parse(String flag, String text) {
        if (text == null || text.isBlank()) throw invalid(flag, text, "empty value");
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw invalid(flag, text, "an IPv6 address must be written [ADDR]:PORT");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) throw invalid(flag, text, "no ':PORT'");
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) throw invalid(flag, text, "an IPv6 address must be written [ADDR]:PORT");
        }
        InetAddress address = host.isEmpty() && !text.startsWith("[")
                ? IpAddress.ipv4(0).toInetAddress()
                : parseLiteral(host).orElseThrow(() -> invalid(flag, text,
                "'" + host + "' is not an IP address literal (host names are not resolved)"));
        return new BindAddress(address, parsePort(flag, text, port));
    }

    /** The address for {@link java.net.ServerSocket}/{@code HttpServer} binding. */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** {@code ADDR:PORT}, with brackets around IPv6 addresses. */
    @Override
    public String toString() {
        String host = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    private static Optional<? extends InetAddress> parseLiteral(String host) {
        Optional<InetAddress> v4 = IpAddress.parse(host).filter(IpAddress::isIpv4).map(IpAddress::toInetAddress);
        if (v4.isPresent() || host.indexOf(':') < 0) return v4;
        try {
            return Optional.of(Inet6Address.ofLiteral(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static int parsePort(String flag, String text, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(flag, text, "PORT must be a number 0..65535");
        }
        int p = Integer.parseInt(port);
        if (p > 0xffff) throw invalid(flag, text, "PORT must be a number 0..65535");
        return p;
    }

    private static IllegalArgumentException invalid(String flag, String text, String why) {
        return new IllegalArgumentException(flag + ": invalid value '" + text + "': " + why
                + " (expected ADDR:PORT, e.g. 0.0.0.0:10256 or [::1]:10249)");
    }
}
