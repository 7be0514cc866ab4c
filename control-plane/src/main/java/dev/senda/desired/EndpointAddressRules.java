package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.Optional;

/**
 * Which addresses may be a backend. An endpoint address is where Senda sends a Service's traffic; an
 * address that names no single remote pod would send it somewhere the Service owner does not control:
 * loopback (and the unspecified address, which the kernel treats as this host) reaches whatever
 * listens on the client's own host or pod (the CVE-2021-25737 class), link-local reaches the node's
 * neighbours and metadata services (169.254.169.254), multicast and broadcast reach many hosts at once.
 *
 * <p>Refused, IPv4: 0.0.0.0/8 (unspecified, "this network"), 127.0.0.0/8 (loopback), 169.254.0.0/16
 * (link-local), 224.0.0.0/4 (multicast), 255.255.255.255 (limited broadcast). IPv6: :: (unspecified),
 * ::1 (loopback), fe80::/10 (link-local), ff00::/8 (multicast), and an IPv4-mapped address
 * (::ffff:0:0/96) by the IPv4 rules of the address it maps.
 */
final class EndpointAddressRules {
    private static final long MAPPED_PREFIX = 0xffffL << 32;

    private EndpointAddressRules() {
    }

    /** Why {@code a} may not be an endpoint ("a loopback address (127.0.0.0/8)"); empty when it may. */
    static Optional<String> refusal(IpAddress a) {
        if (a.isIpv4()) return ipv4(a.ipv4Value());
        if (a.high() == 0 && (a.low() & ~0xffffffffL) == MAPPED_PREFIX) {
            return ipv4((int) a.low()).map(why -> "an IPv4-mapped form of " + why);
        }
        return ipv6(a.high(), a.low());
    }

    private static Optional<String> ipv4(int v) {
        int top = v >>> 24;
        if (top == 0) return Optional.of("an unspecified address (0.0.0.0/8)");
        if (top == 127) return Optional.of("a loopback address (127.0.0.0/8)");
        if ((v >>> 16) == 0xa9fe) return Optional.of("a link-local address (169.254.0.0/16)");
        if ((top & 0xf0) == 0xe0) return Optional.of("a multicast address (224.0.0.0/4)");
        if (v == -1) return Optional.of("the broadcast address (255.255.255.255)");
        return Optional.empty();
    }

    private static Optional<String> ipv6(long high, long low) {
        if (high == 0 && low == 0) return Optional.of("the unspecified address (::)");
        if (high == 0 && low == 1) return Optional.of("the loopback address (::1)");
        if ((high >>> 54) == (0xfe80L >>> 6)) return Optional.of("a link-local address (fe80::/10)");
        if ((high >>> 56) == 0xff) return Optional.of("a multicast address (ff00::/8)");
        return Optional.empty();
    }
}
