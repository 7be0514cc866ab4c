package dev.senda.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address: the one address type of Senda's model, desired state, reconciler and
 * map records. Per-family layouts exist only in the struct codecs.
 *
 * <p>Held as two longs in network order: {@code high} is bytes 0..7 and {@code low} bytes 8..15 of an
 * IPv6 address; an IPv4 address is {@code high = 0} and {@code low} = its 32 bits. Being a record of
 * three scalars it is cheap to hash and compare, with no array inside to copy.
 *
 * <p>Order: IPv4 before IPv6, then numerically (unsigned). {@link #toString()} is the canonical text:
 * dotted quad, or RFC 5952 for IPv6 (lower case, longest run of zero groups as "::").
 *
 * @param family the address family
 * @param high   IPv6 bytes 0..7, big-endian; 0 for IPv4
 * @param low    IPv6 bytes 8..15, big-endian; for IPv4 the address in its low 32 bits
 */
public record IpAddress(IpFamily family, long high, long low) implements Comparable<IpAddress> {

    public IpAddress {
        Objects.requireNonNull(family, "family");
        if (family == IpFamily.IPV4 && (high != 0 || (low >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has 32 bits");
        }
    }

    /** The IPv4 address whose big-endian 32-bit value is {@code value}. */
    public static IpAddress ipv4(int value) {
        return new IpAddress(IpFamily.IPV4, 0, Integer.toUnsignedLong(value));
    }

    /** The address of 4 or 16 bytes in network order. */
    public static IpAddress of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 4) return ipv4(word(bytes, 0));
        if (bytes.length == 16) {
            return new IpAddress(IpFamily.IPV6, longAt(bytes, 0), longAt(bytes, 8));
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }

    /** The address of a JDK {@link InetAddress} (scope ids are dropped). */
    public static IpAddress of(InetAddress address) {
        return of(address.getAddress());
    }

    /**
     * Parses an IP literal strictly and never touches DNS. IPv4: four decimal octets 0..255 without
     * leading zeros (ambiguous octal) or whitespace. IPv6: the RFC 4291 text forms, without brackets
     * or zone ids; an IPv4-mapped literal ({@code ::ffff:1.2.3.4}) is refused, since it would name an
     * IPv4 address in IPv6 clothing. Empty when the text is no such literal.
     */
    public static Optional<IpAddress> parse(String text) {
        if (text == null || text.isEmpty()) return Optional.empty();
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    /**
     * Four octets scanned in one pass (no split, no substrings): it runs for every endpoint address
     * of a start, a million times at 100,000 endpoints. IpAddressParseTest checks it against the
     * split-based parser it replaced.
     */
    private static Optional<IpAddress> parseIpv4(String text) {
        int n = text.length();
        int value = 0;
        int i = 0;
        for (int part = 0; part < 4; part++) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) != '.') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - start == 3) return Optional.empty();
                octet = octet * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || (digits > 1 && text.charAt(start) == '0') || octet > 255) return Optional.empty();
            value = value << 8 | octet;
            if (part < 3) {
                if (i == n) return Optional.empty(); // fewer than four parts
                i++; // the '.'
            }
        }
        return i == n ? Optional.of(ipv4(value)) : Optional.empty(); // a fifth part
    }

    private static Optional<IpAddress> parseIpv6(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
            if (!ok) return Optional.empty(); // brackets, zone ids, spaces, host names
        }
        try {
            // ofLiteral never resolves names; it returns an Inet4Address for IPv4-mapped literals.
            InetAddress parsed = InetAddress.ofLiteral(text);
            if (!(parsed instanceof Inet6Address)) return Optional.empty();
            return Optional.of(of(parsed.getAddress()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public boolean isIpv4() {
        return family == IpFamily.IPV4;
    }

    public boolean isIpv6() {
        return family == IpFamily.IPV6;
    }

    /** The big-endian 32-bit value of an IPv4 address. @throws IllegalStateException for IPv6 */
    public int ipv4Value() {
        if (family != IpFamily.IPV4) throw new IllegalStateException(this + " is not an IPv4 address");
        return (int) low;
    }

    /** The address's 4 or 16 bytes in network order (a fresh array). */
    public byte[] bytes() {
        if (family == IpFamily.IPV4) {
            int v = (int) low;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** The same address as a JDK {@link InetAddress} (for sockets; no DNS). */
    public InetAddress toInetAddress() {
        try {
            return family == IpFamily.IPV4 ? InetAddress.getByAddress(bytes())
                    : Inet6Address.getByAddress(null, bytes(), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = family.compareTo(o.family);
        if (c != 0) return c;
        c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    /** Dotted quad, or RFC 5952 canonical IPv6 text. */
    @Override
    public String toString() {
        if (family == IpFamily.IPV4) {
            int v = (int) low;
            return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952 4.2: the longest run of two or more zero groups (the first one on a tie) becomes "::".
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /** "10.96.0.10:80" or "[fd00:96::a]:80": an address with a port, as people write it. */
    public String withPort(int port) {
        return (family == IpFamily.IPV6 ? "[" + this + "]" : toString()) + ":" + port;
    }

    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static long longAt(byte[] b, int off) {
        return Integer.toUnsignedLong(word(b, off)) << 32 | Integer.toUnsignedLong(word(b, off + 4));
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress x && high == x.high && low == x.low && family == x.family;
    }

    @Override
    public int hashCode() {
        return (31 * Long.hashCode(high) + Long.hashCode(low)) * 31 + family.ordinal();
    }
}
