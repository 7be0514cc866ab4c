package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The node addresses NodePort frontends are opened on: the value of {@code --nodeport-addresses}
 * (kube-proxy's flag name and meaning), a comma-separated list of
 * <ul>
 *   <li>{@code primary} (the default, as kube-proxy's nftables mode): the node's primary address of
 *   each family ({@link NodeInfo#primaryAddresses()});</li>
 *   <li>{@code all}: every address of the node. For Senda that is, for now, every InternalIP and
 *   ExternalIP of the Node object ({@link NodeInfo#allAddresses()}), not the addresses configured on
 *   the host's interfaces as in kube-proxy's iptables mode: desired state only sees API objects, and an
 *   address the API does not list is one no client outside the node is told to use;</li>
 *   <li>a CIDR such as {@code 10.0.0.0/8} or {@code fd00::/64}: the node's addresses (the Node
 *   object's, as for {@code all}) inside it.</li>
 * </ul>
 * The selections are unioned; each address is used once. A node whose addresses match nothing gets
 * no NodePort frontends (kube-proxy does the same).
 *
 * @param entries what the flag listed, in its order; never empty
 */
public record NodePortAddresses(List<Entry> entries) {
    /** The flag's name, for messages. */
    public static final String FLAG = "--nodeport-addresses";
    /** The default: each family's primary node address. */
    public static final NodePortAddresses PRIMARY = new NodePortAddresses(List.of(new Entry.Primary()));

    public NodePortAddresses {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) throw new IllegalArgumentException(FLAG + ": no entry");
    }

    /** One element of the list. */
    public sealed interface Entry {
        /** {@code primary}. */
        record Primary() implements Entry {
            @Override
            public String toString() {
                return "primary";
            }
        }

        /** {@code all}. */
        record All() implements Entry {
            @Override
            public String toString() {
                return "all";
            }
        }

        /** A CIDR. */
        record Prefix(Cidr cidr) implements Entry {
            public Prefix {
                Objects.requireNonNull(cidr, "cidr");
            }

            @Override
            public String toString() {
                return cidr.toString();
            }
        }
    }

    /**
     * Parses the flag's value.
     *
     * @throws IllegalArgumentException naming the flag and the first bad element
     */
    public static NodePortAddresses parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(FLAG + ": empty; give primary, all or CIDRs, comma-separated");
        }
        List<Entry> out = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String s = raw.strip();
            Optional<Entry> e = switch (s) {
                case "primary" -> Optional.of(new Entry.Primary());
                case "all" -> Optional.of(new Entry.All());
                default -> Cidr.parse(s).map(Entry.Prefix::new);
            };
            if (e.isEmpty()) {
                throw new IllegalArgumentException(FLAG + ": \"" + s + "\" is not a CIDR (such as 10.0.0.0/8 or "
                        + "fd00::/64) nor one of primary, all");
            }
            out.add(e.get());
        }
        return new NodePortAddresses(out);
    }

    /** The node addresses selected, sorted ({@link IpAddress} order: IPv4 first), each once. */
    public List<IpAddress> select(NodeInfo node) {
        TreeSet<IpAddress> out = new TreeSet<>();
        for (Entry e : entries) {
            switch (e) {
                case Entry.Primary p -> out.addAll(node.primaryAddresses());
                case Entry.All a -> out.addAll(node.allAddresses());
                case Entry.Prefix(Cidr cidr) -> node.allAddresses().stream().filter(cidr::contains).forEach(out::add);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return String.join(",", entries.stream().map(Entry::toString).toList());
    }
}
