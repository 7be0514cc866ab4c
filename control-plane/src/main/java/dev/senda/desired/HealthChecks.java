package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.List;

/**
 * The health-check node ports wanted on this node and where to serve them.
 *
 * @param addresses the node addresses {@code --nodeport-addresses} selects (where node ports are
 *                  served); empty until the Node object gives one
 * @param servers   sorted by port; each port once
 */
public record HealthChecks(List<IpAddress> addresses, List<HealthCheckServer> servers) {
    public static final HealthChecks NONE = new HealthChecks(List.of(), List.of());

    public HealthChecks {
        addresses = List.copyOf(addresses);
        servers = List.copyOf(servers);
    }
}
