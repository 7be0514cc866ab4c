package dev.senda.desired.policy;

import dev.senda.desired.Cidr;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

/** Prefix arithmetic on {@link Cidr}s for the policy compiler: masking and containment. */
final class Prefixes {
    private Prefixes() {
    }

    /** The prefix with its host bits cleared, so equal prefixes are equal records. */
    static Cidr normalized(Cidr c) {
        return of(c.address(), c.bits());
    }

    /** The first {@code bits} bits of {@code address}, host bits cleared. */
    static Cidr of(IpAddress address, int bits) {
        if (address.family() == IpFamily.IPV4) {
            long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
            return new Cidr(new IpAddress(IpFamily.IPV4, 0, address.low() & mask), bits);
        }
        long highMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
        long lowMask = bits <= 64 ? 0 : -1L << (128 - bits);
        return new Cidr(new IpAddress(IpFamily.IPV6, address.high() & highMask, address.low() & lowMask), bits);
    }

    /** A single address as a host prefix (/32 or /128). */
    static Cidr host(IpAddress address) {
        return new Cidr(address, maxBits(address.family()));
    }

    /** The whole address space of {@code family} (0.0.0.0/0 or ::/0). */
    static Cidr everything(IpFamily family) {
        return of(family == IpFamily.IPV4 ? IpAddress.ipv4(0) : new IpAddress(IpFamily.IPV6, 0, 0), 0);
    }

    static int maxBits(IpFamily family) {
        return family.byteLength() * 8;
    }

    /** Whether every address of {@code inner} is in {@code outer} (same family, outer no longer, inner inside). */
    static boolean covers(Cidr outer, Cidr inner) {
        return outer.bits() <= inner.bits() && outer.contains(inner.address());
    }

    /** Whether the two prefixes share an address (prefixes are either nested or disjoint). */
    static boolean overlaps(Cidr a, Cidr b) {
        return covers(a, b) || covers(b, a);
    }
}
