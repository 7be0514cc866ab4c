package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Key of {@code senda_svc4_v1/senda_svc6_v1} ({@code struct senda_svc4_key / senda_svc6_key}): one slot of one frontend.
 *
 * @param address Service VIP
 * @param port    Service port, 0..65535
 * @param proto   L4 protocol
 * @param scope   backend set
 * @param slot    0 for the header, 1..count for backend slots
 */
public record ServiceKey(IpAddress address, int port, Protocol proto, Scope scope, int slot) implements Comparable<ServiceKey> {
    public ServiceKey {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(scope, "scope");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
        if (slot < 0 || slot > 0xffff) throw new IllegalArgumentException("slot out of range: " + slot);
    }

    public dev.senda.net.IpFamily family() {
        return address.family();
    }

    /** The same frontend's entry for another slot. */
    public ServiceKey withSlot(int newSlot) {
        return new ServiceKey(address, port, proto, scope, newSlot);
    }

    /** Address, port, protocol, scope, slot: frontends in their canonical order, a frontend's slots in order. */
    @Override
    public int compareTo(ServiceKey o) {
        // By address, port, protocol, scope, slot; written out rather than a Comparator chain, as every
        // pass of the reconciler over 100,000s of service entries sorts them.
        int c = address.compareTo(o.address);
        if (c != 0) return c;
        c = Integer.compare(port, o.port);
        if (c != 0) return c;
        c = proto.compareTo(o.proto);
        if (c != 0) return c;
        c = scope.compareTo(o.scope);
        return c != 0 ? c : Integer.compare(slot, o.slot);
    }

    /** "10.96.0.10:80/TCP external slot 0", "[fd00:96::a]:80/TCP external slot 1": how a key appears in errors. */
    @Override
    public String toString() {
        return address.withPort(port) + "/" + proto + " " + scope.name().toLowerCase() + " slot " + slot;
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceKey x && slot == x.slot && port == x.port && proto == x.proto && scope == x.scope && address.equals(x.address);
    }

    @Override
    public int hashCode() {
        return (((address.hashCode() * 31 + port) * 31 + proto.ordinal()) * 31 + scope.ordinal()) * 31 + slot;
    }
}
