package dev.senda.desired.policy;

import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;

import java.util.List;
import java.util.Objects;

/**
 * The policy of one pod on this node (not hostNetwork, with at least one IP, not finished). Written even
 * when the pod is not isolated (both flags false, no rules), so the datapath can tell a computed pod
 * from an address it knows nothing about.
 *
 * @param pod             namespace/name of the pod
 * @param addresses       the pod's IPs (one per family), sorted
 * @param isolatedIngress whether some policy selects the pod for Ingress: only {@code ingress} is allowed in
 * @param isolatedEgress  whether some policy selects the pod for Egress: only {@code egress} is allowed out
 * @param ingress         rules on the SOURCE address of packets to the pod, sorted by prefix; empty when
 *                        not isolated
 * @param egress          rules on the DESTINATION address of packets from the pod, sorted by prefix;
 *                        empty when not isolated
 */
public record PolicyEndpoint(ObjectRef pod, List<IpAddress> addresses, boolean isolatedIngress,
                             boolean isolatedEgress, List<PeerRule> ingress, List<PeerRule> egress) {
    public PolicyEndpoint {
        Objects.requireNonNull(pod, "pod");
        addresses = List.copyOf(addresses);
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    /** The rules of one direction. */
    public List<PeerRule> rules(PolicyDirection direction) {
        return direction == PolicyDirection.INGRESS ? ingress : egress;
    }

    /** Whether the pod is isolated in {@code direction}. */
    public boolean isolated(PolicyDirection direction) {
        return direction == PolicyDirection.INGRESS ? isolatedIngress : isolatedEgress;
    }
}
