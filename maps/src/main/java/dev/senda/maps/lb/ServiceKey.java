package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * Key of {@code senda_svc4_v1} ({@code struct senda_svc4_key}): one slot of one frontend.
 *
 * @param address Service VIP
 * @param port    Service port, 0..65535
 * @param proto   L4 protocol
 * @param scope   backend set
 * @param slot    0 for the header, 1..count for backend slots
 */
public record ServiceKey(Inet4Address address, int port, Protocol proto, Scope scope, int slot) {
    public ServiceKey {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(scope, "scope");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
        if (slot < 0 || slot > 0xffff) throw new IllegalArgumentException("slot out of range: " + slot);
    }

    /** The same frontend's entry for another slot. */
    public ServiceKey withSlot(int newSlot) {
        return new ServiceKey(address, port, proto, scope, newSlot);
    }
}
