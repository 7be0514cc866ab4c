package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Key of {@code senda_affinity4_v1/6} ({@code struct senda_affinity4_key / 6}): one client of one
 * Service frontend with session affinity. Per-packet LB names the client by its source address
 * ({@code netnsCookie} 0); socket LB by its network namespace ({@code client} the zero address of
 * the family), see {@code bpf/lib/abi/affinity.h}.
 *
 * @param netnsCookie socket LB: the client's netns cookie (unsigned 64 bits); per-packet: 0
 * @param client      per-packet: the client's address; socket LB: 0.0.0.0 or ::. Its family picks the map.
 * @param serviceId   the frontend's service id
 */
public record AffinityKey(long netnsCookie, IpAddress client, int serviceId) {
    public AffinityKey {
        Objects.requireNonNull(client, "client");
    }
}
