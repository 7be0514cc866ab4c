package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Value of {@code senda_sockflow4_v1/6} ({@code struct senda_sock_flow4_value / 6}): the backend an
 * unconnected socket keeps sending to while it exists.
 *
 * @param backendId id in {@code senda_backend4_v1/6}
 * @param address   that backend's address
 * @param port      that backend's port
 */
public record SockFlowValue(int backendId, IpAddress address, int port) {
    public SockFlowValue {
        Objects.requireNonNull(address, "address");
        Ports.check("port", port);
    }
}
