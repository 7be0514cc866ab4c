package dev.senda.desired.policy;

import dev.senda.desired.Cidr;
import dev.senda.desired.Rejection;
import dev.senda.model.LabelSelector;
import dev.senda.model.NetworkPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates a NetworkPolicy as the API server would, keeping what is valid. Refusing only ever narrows
 * what the policy allows: a bad peer or port entry is dropped, and a rule left with no valid peer (or no
 * valid port) is dropped whole, since an empty list would mean "everyone" ("every port"). An ipBlock
 * with a bad except is dropped whole, since dropping the except alone would widen it.
 */
final class PolicyParser {
    /** The valid part of a policy and what was refused, in the order found. */
    record Result(ParsedPolicy policy, List<Rejection> rejections) {
    }

    private final NetworkPolicy in;
    private final List<Rejection> rejections = new ArrayList<>();

    private PolicyParser(NetworkPolicy in) {
        this.in = in;
    }

    static Result parse(NetworkPolicy in) {
        return new PolicyParser(in).run();
    }

    private Result run() {
        LabelSelector podSelector = in.podSelector();
        Optional<String> bad = Selectors.invalid(podSelector);
        if (bad.isPresent()) {
            reject("spec.podSelector: " + bad.get() + "; the policy selects no pod");
            podSelector = null;
        }
        boolean ingress = false;
        boolean egress = false;
        for (String type : in.policyTypes()) {
            if (NetworkPolicy.INGRESS.equals(type)) ingress = true;
            else if (NetworkPolicy.EGRESS.equals(type)) egress = true;
            else reject("spec.policyTypes: unknown type \"" + type + "\" ignored");
        }
        if (in.policyTypes().isEmpty()) {
            ingress = true;
            egress = !in.egress().isEmpty();
        } else if (!ingress && !egress) {
            // Only unknown types: isolate as if policyTypes were absent rather than not at all.
            ingress = true;
            egress = !in.egress().isEmpty();
        }
        List<ParsedPolicy.Rule> ingressRules = ingress ? rules("ingress", "from", in.ingress()) : List.of();
        List<ParsedPolicy.Rule> egressRules = egress ? rules("egress", "to", in.egress()) : List.of();
        return new Result(new ParsedPolicy(in.ref(), podSelector, ingress, egress, ingressRules, egressRules),
                List.copyOf(rejections));
    }

    private List<ParsedPolicy.Rule> rules(String field, String peersField, List<NetworkPolicy.Rule> rules) {
        List<ParsedPolicy.Rule> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            NetworkPolicy.Rule r = rules.get(i);
            String where = "spec." + field + "[" + i + "]";
            List<ParsedPolicy.Peer> peers = new ArrayList<>();
            for (int j = 0; j < r.peers().size(); j++) {
                peer(r.peers().get(j), where + "." + peersField + "[" + j + "]").ifPresent(peers::add);
            }
            List<ParsedPolicy.Port> ports = new ArrayList<>();
            for (int j = 0; j < r.ports().size(); j++) {
                port(r.ports().get(j), where + ".ports[" + j + "]").ifPresent(ports::add);
            }
            if (!r.peers().isEmpty() && peers.isEmpty()) {
                reject(where + ": no valid peer left; the rule allows nothing");
            } else if (!r.ports().isEmpty() && ports.isEmpty()) {
                reject(where + ": no valid port left; the rule allows nothing");
            } else {
                out.add(new ParsedPolicy.Rule(peers, ports));
            }
        }
        return out;
    }

    private Optional<ParsedPolicy.Peer> peer(NetworkPolicy.Peer p, String where) {
        if (p.ipBlock() != null) {
            if (p.podSelector() != null || p.namespaceSelector() != null) {
                return refuse(where + ": ipBlock together with a selector");
            }
            String cidrText = p.ipBlock().cidr();
            Optional<Cidr> cidr = Cidr.parse(cidrText);
            if (cidr.isEmpty()) return refuse(where + ".ipBlock.cidr: invalid CIDR \"" + cidrText + "\"");
            Cidr block = Prefixes.normalized(cidr.get());
            List<Cidr> except = new ArrayList<>();
            for (String e : p.ipBlock().except()) {
                Optional<Cidr> ex = Cidr.parse(e);
                if (ex.isEmpty()) return refuse(where + ".ipBlock.except: invalid CIDR \"" + e + "\"");
                Cidr n = Prefixes.normalized(ex.get());
                // The API requires an except strictly inside the block; one equal to it would deny all.
                if (!Prefixes.covers(block, n) || n.bits() == block.bits()) {
                    return refuse(where + ".ipBlock.except: " + e + " is not inside " + cidrText);
                }
                except.add(n);
            }
            return Optional.of(new ParsedPolicy.BlockPeer(block, except));
        }
        if (p.podSelector() == null && p.namespaceSelector() == null) {
            return refuse(where + ": a peer needs podSelector, namespaceSelector or ipBlock");
        }
        for (LabelSelector s : new LabelSelector[] {p.podSelector(), p.namespaceSelector()}) {
            if (s == null) continue;
            Optional<String> bad = Selectors.invalid(s);
            if (bad.isPresent()) return refuse(where + ": " + bad.get());
        }
        return Optional.of(new ParsedPolicy.SelectorPeer(p.podSelector(), p.namespaceSelector()));
    }

    private Optional<ParsedPolicy.Port> port(NetworkPolicy.Port p, String where) {
        Optional<PolicyProtocol> protocol = protocol(p.protocol());
        if (protocol.isEmpty()) return refuse(where + ".protocol: unknown protocol \"" + p.protocol() + "\"");
        PolicyProtocol proto = protocol.get();
        if (p.name() != null) {
            if (p.endPort() != null) return refuse(where + ": endPort with the named port \"" + p.name() + "\"");
            if (p.name().isEmpty()) return refuse(where + ".port: empty name");
            return Optional.of(new ParsedPolicy.NamedPort(proto, p.name()));
        }
        if (p.number() == null) {
            if (p.endPort() != null) return refuse(where + ": endPort without port");
            return Optional.of(new ParsedPolicy.NumberPort(proto, 0, 65535));
        }
        int port = p.number();
        if (port < 1 || port > 65535) return refuse(where + ".port: " + port + " out of 1..65535");
        if (p.endPort() == null) return Optional.of(new ParsedPolicy.NumberPort(proto, port, port));
        int end = p.endPort();
        if (end < port) return refuse(where + ".endPort: " + end + " is below port " + port);
        if (end > 65535) return refuse(where + ".endPort: " + end + " out of 1..65535");
        return Optional.of(new ParsedPolicy.NumberPort(proto, port, end));
    }

    /** "TCP", "UDP", "SCTP"; absent = TCP, as the API defaults it. */
    static Optional<PolicyProtocol> protocol(String text) {
        if (text == null) return Optional.of(PolicyProtocol.TCP);
        return switch (text) {
            case "TCP" -> Optional.of(PolicyProtocol.TCP);
            case "UDP" -> Optional.of(PolicyProtocol.UDP);
            case "SCTP" -> Optional.of(PolicyProtocol.SCTP);
            default -> Optional.empty();
        };
    }

    private <T> Optional<T> refuse(String reason) {
        reject(reason);
        return Optional.empty();
    }

    private void reject(String reason) {
        rejections.add(new Rejection(Rejection.NETWORK_POLICY, in.ref(), reason));
    }
}
