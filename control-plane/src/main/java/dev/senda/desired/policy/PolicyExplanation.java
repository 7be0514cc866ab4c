package dev.senda.desired.policy;

import dev.senda.desired.Cidr;
import dev.senda.desired.Rejection;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;

import java.util.List;

/**
 * Why a pod's policy is what it is, for {@code senda policy get}: computed by
 * {@link PolicyCompiler#explain} from the same inputs and code as the enforced {@link PolicyEndpoint}.
 *
 * @param pod         namespace/name
 * @param nodeName    the pod's spec.nodeName (the node whose agent enforces it); null when unscheduled
 * @param addresses   the pod's IPs
 * @param notEnforced why no policy applies to the pod at all (hostNetwork, finished, no IP); null when
 *                    the pod takes part (then {@code directions} has both directions)
 * @param directions  ingress, then egress
 * @param rejections  what was refused in the policies that select the pod (or that might: a policy of
 *                    its namespace with an invalid podSelector)
 */
public record PolicyExplanation(ObjectRef pod, String nodeName, List<IpAddress> addresses, String notEnforced,
                                List<Direction> directions, List<Rejection> rejections) {
    public PolicyExplanation {
        addresses = List.copyOf(addresses);
        directions = List.copyOf(directions);
        rejections = List.copyOf(rejections);
    }

    /**
     * One direction.
     *
     * @param direction  ingress or egress
     * @param isolatedBy the policies that select the pod for this direction, sorted; empty = not isolated,
     *                   everything allowed
     * @param entries    the rules enforced, by prefix; when isolated, an address matching none is denied
     */
    public record Direction(PolicyDirection direction, List<ObjectRef> isolatedBy, List<Entry> entries) {
        public Direction {
            isolatedBy = List.copyOf(isolatedBy);
            entries = List.copyOf(entries);
        }

        public boolean isolated() {
            return !isolatedBy.isEmpty();
        }
    }

    /**
     * One enforced {@link PeerRule} and where it came from.
     *
     * @param peer      the remote prefix (longest-prefix match)
     * @param ports     the merged ranges as programmed; empty = denied (an except)
     * @param allowedBy every range before merging, each with the policy that allowed it
     */
    public record Entry(Cidr peer, List<PortRange> ports, List<PortRange> allowedBy) {
        public Entry {
            ports = List.copyOf(ports);
            allowedBy = List.copyOf(allowedBy);
        }
    }
}
