package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Key of {@code senda_sockrevnat4_v1/6} ({@code struct senda_sock_revnat4_key / 6}).
 *
 * @param cookie  {@code bpf_get_socket_cookie()} of the client socket (unsigned 64 bits)
 * @param address backend address the socket was sent to
 * @param port    backend port
 */
public record SockRevNatKey(long cookie, IpAddress address, int port) {
    public SockRevNatKey {
        Objects.requireNonNull(address, "address");
        Ports.check("port", port);
    }
}
