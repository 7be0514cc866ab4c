package dev.senda.desired;

import dev.senda.maps.lb.Protocol;

import dev.senda.net.IpAddress;
import java.util.Comparator;
import java.util.Objects;

/** Where a backend listens: the identity the reconciler gives one stable backend id. */
public record BackendAddress(IpAddress address, int port, Protocol proto) implements Comparable<BackendAddress> {
    private static final Comparator<BackendAddress> ORDER = Comparator
            .comparing((BackendAddress b) -> b.address())
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

    @Override
    public String toString() {
        return address.withPort(port) + "/" + proto;
    }
}
