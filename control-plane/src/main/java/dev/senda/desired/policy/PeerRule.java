package dev.senda.desired.policy;

import dev.senda.desired.Cidr;

import java.util.List;
import java.util.Objects;

/**
 * One longest-prefix-match entry of a pod's rules in one direction: the remote address prefix and
 * everything allowed to or from it.
 *
 * <p>The compiler resolves overlaps, so the datapath needs nothing but longest-prefix match: {@code ports}
 * is the union of the port ranges of every policy rule whose allowed address set covers this whole
 * prefix. An ipBlock {@code except} becomes a more specific entry that lacks that block's ranges, so it
 * may have an empty {@code ports} list, which means deny. An address matching no entry is denied when
 * the pod is isolated in that direction.
 *
 * @param peer  the remote prefix with host bits cleared (a pod IP as /32 or /128, or an ipBlock piece)
 * @param ports merged ranges, sorted by {@link PortRange#ORDER}, no two of the same protocol overlapping
 *              or adjacent
 */
public record PeerRule(Cidr peer, List<PortRange> ports) {
    public PeerRule {
        Objects.requireNonNull(peer, "peer");
        ports = List.copyOf(ports);
    }
}
