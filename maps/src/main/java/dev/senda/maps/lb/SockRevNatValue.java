package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * Value of {@code senda_sockrevnat4_v1} ({@code struct senda_sock_revnat4_value}): the Service
 * address the application asked for, reported back by getpeername()/recvmsg().
 *
 * @param address   Service VIP
 * @param port      Service port
 * @param serviceId frontend id (unsigned 32 bits)
 */
public record SockRevNatValue(Inet4Address address, int port, int serviceId) {
    public SockRevNatValue {
        Objects.requireNonNull(address, "address");
        Ports.check("port", port);
    }
}
