package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Key of {@code senda_sockflow4_v1/6} ({@code struct senda_sock_flow4_key / 6}): one unconnected socket
 * sending to one Service port.
 *
 * @param cookie  socket cookie (unsigned 64 bits)
 * @param address Service VIP
 * @param port    Service port
 * @param proto   L4 protocol
 */
public record SockFlowKey(long cookie, IpAddress address, int port, Protocol proto) {
    public SockFlowKey {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        Ports.check("port", port);
    }
}
