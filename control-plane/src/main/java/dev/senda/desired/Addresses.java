package dev.senda.desired;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP literal parsing that never touches DNS, and conversions used across the control plane. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * Parses a dotted-quad IPv4 literal strictly: four decimal octets 0..255, no leading zeros
     * (ambiguous octal), no whitespace, never a host name. Empty when the text is not one.
     */
    public static Optional<Inet4Address> parseIpv4(String text) {
        if (text == null) return Optional.empty();
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return Optional.empty();
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) return Optional.empty();
            if (p.length() > 1 && p.charAt(0) == '0') return Optional.empty();
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') return Optional.empty();
                v = v * 10 + (c - '0');
            }
            if (v > 255) return Optional.empty();
            bytes[i] = (byte) v;
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always a valid IPv4 address", e);
        }
    }

    /** True when the text looks like an IPv6 literal (contains ':'); IPv6 is a later issue. */
    public static boolean looksLikeIpv6(String text) {
        return text != null && text.indexOf(':') >= 0;
    }

    /** The address as a big-endian int (first octet in the high byte). */
    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** Inverse of {@link #toInt}. */
    public static Inet4Address fromInt(int value) {
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
