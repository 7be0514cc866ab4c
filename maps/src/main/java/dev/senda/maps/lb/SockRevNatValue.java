package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Value of {@code senda_sockrevnat4_v1/6} ({@code struct senda_sock_revnat4_value / 6}): the Service
 * address the application asked for, reported back by getpeername()/recvmsg().
 *
 * @param address   Service VIP
 * @param port      Service port
 * @param serviceId frontend id (unsigned 32 bits)
 */
public record SockRevNatValue(IpAddress address, int port, int serviceId) {
    public SockRevNatValue {
        Objects.requireNonNull(address, "address");
        Ports.check("port", port);
    }
}
