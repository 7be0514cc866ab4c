package dev.senda.model;

import java.util.List;
import java.util.Objects;

/**
 * A networking.k8s.io/v1 NetworkPolicy, its whole spec, as given. Validation (CIDRs, protocols, port
 * ranges, selector operators) is the policy compiler's job, so that a bad rule becomes a rejection that
 * names the policy.
 *
 * @param ref         namespace/name
 * @param podSelector spec.podSelector: the pods of the policy's namespace it applies to; an absent
 *                    selector is read as empty (all pods), as the API server defaults it
 * @param policyTypes spec.policyTypes as given ("Ingress", "Egress"; never null, empty when absent)
 * @param ingress     spec.ingress (never null); a rule's peers are its {@code from}
 * @param egress      spec.egress (never null); a rule's peers are its {@code to}
 */
public record NetworkPolicy(ObjectRef ref, LabelSelector podSelector, List<String> policyTypes, List<Rule> ingress,
                            List<Rule> egress) {
    public static final String INGRESS = "Ingress";
    public static final String EGRESS = "Egress";

    public NetworkPolicy {
        Objects.requireNonNull(ref, "ref");
        podSelector = podSelector == null ? LabelSelector.ALL : podSelector;
        policyTypes = Immutables.list(policyTypes);
        ingress = Immutables.list(ingress);
        egress = Immutables.list(egress);
    }

    /**
     * One ingress or egress rule.
     *
     * @param peers {@code from} or {@code to} (never null); empty = every address
     * @param ports {@code ports} (never null); empty = every port of every protocol
     */
    public record Rule(List<Peer> peers, List<Port> ports) {
        public Rule {
            peers = Immutables.list(peers);
            ports = Immutables.list(ports);
        }
    }

    /**
     * One peer. With {@code ipBlock} set, the selectors must be absent; with only {@code podSelector},
     * the pods of the policy's namespace; with {@code namespaceSelector}, the pods (matching
     * {@code podSelector}, if set) of the selected namespaces.
     *
     * @param podSelector       null when absent
     * @param namespaceSelector null when absent
     * @param ipBlock           null when absent
     */
    public record Peer(LabelSelector podSelector, LabelSelector namespaceSelector, IpBlock ipBlock) {
    }

    /**
     * An ipBlock, as given.
     *
     * @param cidr   e.g. "10.0.0.0/16"; null when absent
     * @param except CIDRs inside {@code cidr} that are not allowed (never null)
     */
    public record IpBlock(String cidr, List<String> except) {
        public IpBlock {
            except = Immutables.list(except);
        }
    }

    /**
     * One entry of a rule's {@code ports}, as given. {@code port} is an int-or-string: exactly one of
     * {@code number} and {@code name} is set, or neither (every port of the protocol).
     *
     * @param protocol "TCP", "UDP", "SCTP"; null when absent (TCP)
     * @param number   the port number; null when absent or named
     * @param name     the container port name; null when absent or numeric
     * @param endPort  the last port of a range starting at {@code number}; null when absent
     */
    public record Port(String protocol, Integer number, String name, Integer endPort) {
    }
}
