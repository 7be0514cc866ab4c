package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * An IP prefix such as {@code 10.0.0.0/8} or {@code fd00::/64}. Host bits after the prefix are
 * allowed (as Go's {@code net.ParseCIDR}, which the Kubernetes tools use, allows them) and ignored.
 *
 * @param address the address as written
 * @param bits    prefix length, 0..32 (IPv4) or 0..128 (IPv6)
 */
public record Cidr(IpAddress address, int bits) {
    public Cidr {
        Objects.requireNonNull(address, "address");
        if (bits < 0 || bits > address.family().byteLength() * 8) {
            throw new IllegalArgumentException("prefix length " + bits + " out of range for " + address.family());
        }
    }

    /** Parses "ADDRESS/BITS" strictly (an IP literal as {@link IpAddress#parse}, decimal bits); empty otherwise. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) return Optional.empty();
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) return Optional.empty();
        String bitsText = text.substring(slash + 1);
        if (bitsText.isEmpty() || bitsText.length() > 3 || !bitsText.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        if (bitsText.length() > 1 && bitsText.charAt(0) == '0') return Optional.empty();
        int bits = Integer.parseInt(bitsText);
        return IpAddress.parse(text.substring(0, slash))
                .filter(a -> bits <= a.family().byteLength() * 8)
                .map(a -> new Cidr(a, bits));
    }

    /** Whether {@code ip} is of this prefix's family and inside it. */
    public boolean contains(IpAddress ip) {
        if (ip.family() != address.family()) return false;
        byte[] a = address.bytes();
        byte[] b = ip.bytes();
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) return false;
        }
        int rest = bits % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    @Override
    public String toString() {
        return address + "/" + bits;
    }
}
