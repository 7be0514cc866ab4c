package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.util.Objects;

/** Value of {@code senda_revnat4_v1} ({@code struct senda_revnat4}); the key is the service id. */
public record RevNatValue(Inet4Address address, int port) {
    public RevNatValue {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }
}
