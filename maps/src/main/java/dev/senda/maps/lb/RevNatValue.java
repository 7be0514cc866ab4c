package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/** Value of {@code senda_revnat4_v1/6} ({@code struct senda_revnat4 / senda_revnat6}); the key is the service id. */
public record RevNatValue(IpAddress address, int port) {
    public RevNatValue {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }
}
