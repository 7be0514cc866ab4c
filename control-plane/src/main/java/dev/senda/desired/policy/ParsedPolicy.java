package dev.senda.desired.policy;

import dev.senda.desired.Cidr;
import dev.senda.model.LabelSelector;
import dev.senda.model.ObjectRef;

import java.util.List;

/**
 * A NetworkPolicy after validation: only its valid parts, each already in the compiler's terms. What
 * was refused is in the {@link PolicyParser.Result}'s rejections; the isolation flags never depend on
 * validity, so a policy with bad rules still isolates the pods it selects (never fail open).
 *
 * @param ref             namespace/name
 * @param podSelector     the pods of {@code ref.namespace()} it applies to; null when the selector is
 *                        invalid (then it selects nothing and says so in a rejection)
 * @param isolatesIngress whether it isolates the selected pods for ingress (policyTypes has Ingress, or
 *                        policyTypes is empty)
 * @param isolatesEgress  whether it isolates them for egress (policyTypes has Egress, or policyTypes is
 *                        empty and there are egress rules)
 * @param ingress         the valid ingress rules; empty when not isolating ingress (such rules are ignored)
 * @param egress          the valid egress rules; empty when not isolating egress
 */
record ParsedPolicy(ObjectRef ref, LabelSelector podSelector, boolean isolatesIngress, boolean isolatesEgress,
                    List<Rule> ingress, List<Rule> egress) {
    ParsedPolicy {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    List<Rule> rules(PolicyDirection direction) {
        return direction == PolicyDirection.INGRESS ? ingress : egress;
    }

    boolean isolates(PolicyDirection direction) {
        return direction == PolicyDirection.INGRESS ? isolatesIngress : isolatesEgress;
    }

    /**
     * One rule: the peers (empty = every address of both families) and the ports (empty = every
     * protocol and port). A rule whose peers or ports were all invalid is not here at all.
     */
    record Rule(List<Peer> peers, List<Port> ports) {
        Rule {
            peers = List.copyOf(peers);
            ports = List.copyOf(ports);
        }
    }

    /** A valid peer. */
    sealed interface Peer {
    }

    /**
     * Pods chosen by labels.
     *
     * @param podSelector       null = every pod of the chosen namespaces
     * @param namespaceSelector null = the policy's own namespace
     */
    record SelectorPeer(LabelSelector podSelector, LabelSelector namespaceSelector) implements Peer {
    }

    /**
     * An ipBlock: {@code cidr} except the {@code except} prefixes (each inside it).
     *
     * @param cidr   normalized
     * @param except normalized, each inside {@code cidr}
     */
    record BlockPeer(Cidr cidr, List<Cidr> except) implements Peer {
        BlockPeer {
            except = List.copyOf(except);
        }
    }

    /** A valid port entry. */
    sealed interface Port {
        PolicyProtocol protocol();
    }

    /** Ports {@code first..last} of {@code protocol} (a single port, an endPort range, or 0..65535 when absent). */
    record NumberPort(PolicyProtocol protocol, int first, int last) implements Port {
    }

    /** A container port name, resolved per pod: the destination pod's port of that name and protocol. */
    record NamedPort(PolicyProtocol protocol, String name) implements Port {
    }
}
