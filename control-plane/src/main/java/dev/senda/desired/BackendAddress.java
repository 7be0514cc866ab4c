package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where a backend listens: the identity the reconciler gives one stable backend id. Ordered by
 * address ({@link IpAddress} order), port, protocol; this is the slot order of a frontend's backends.
 */
public record BackendAddress(IpAddress address, int port, L4Protocol proto) implements Comparable<BackendAddress> {
    private static final Comparator<BackendAddress> ORDER = Comparator
            .comparing(BackendAddress::address)
            .thenComparingInt(BackendAddress::port)
            .thenComparing(BackendAddress::proto);

    public BackendAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        if (port < 1 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }

    @Override
    public int compareTo(BackendAddress o) {
        return ORDER.compare(this, o);
    }

    /** "10.244.1.5:8080/TCP" or "[fd00:10:244::5]:8080/TCP". */
    @Override
    public String toString() {
        return address.withPort(port) + "/" + proto;
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof BackendAddress x && port == x.port && proto == x.proto && address.equals(x.address);
    }

    @Override
    public int hashCode() {
        return (address.hashCode() * 31 + port) * 31 + proto.ordinal();
    }
}
