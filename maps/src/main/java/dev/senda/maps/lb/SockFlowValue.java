package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * Value of {@code senda_sockflow4_v1} ({@code struct senda_sock_flow4_value}): the backend an
 * unconnected socket keeps sending to while it exists.
 *
 * @param backendId id in {@code senda_backend4_v1}
 * @param address   that backend's address
 * @param port      that backend's port
 */
public record SockFlowValue(int backendId, Inet4Address address, int port) {
    public SockFlowValue {
        Objects.requireNonNull(address, "address");
        Ports.check("port", port);
    }
}
