package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/** Value of {@code senda_backend4_v1/6} ({@code struct senda_backend4 / senda_backend6}); the key is the backend id. */
public record BackendValue(IpAddress address, int port, Protocol proto, BackendState state) {
    public BackendValue {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(state, "state");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof BackendValue x && port == x.port && proto == x.proto && state == x.state && address.equals(x.address);
    }

    @Override
    public int hashCode() {
        return ((address.hashCode() * 31 + port) * 31 + proto.ordinal()) * 31 + state.ordinal();
    }
}
