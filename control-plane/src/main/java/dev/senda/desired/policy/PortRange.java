package dev.senda.desired.policy;

import dev.senda.model.ObjectRef;

import java.util.Comparator;
import java.util.Objects;

/**
 * Destination ports allowed for one protocol, inclusive, host order.
 *
 * @param protocol the protocol; {@link PolicyProtocol#ANY} always spans 0..65535
 * @param first    first port, 0..65535
 * @param last     last port, first..65535
 * @param policy   the NetworkPolicy that allowed it (the first in namespace/name order when several
 *                 policies' ranges were merged into this one), for counters and {@code senda policy get}
 */
public record PortRange(PolicyProtocol protocol, int first, int last, ObjectRef policy) {
    /** By protocol, then first port, then last port, then policy. */
    public static final Comparator<PortRange> ORDER = (a, b) -> {
        // Written out: the compiler sorts many of these, a chain of key-extractor lambdas is slow there.
        int c = a.protocol.compareTo(b.protocol);
        if (c != 0) return c;
        c = Integer.compare(a.first, b.first);
        if (c != 0) return c;
        c = Integer.compare(a.last, b.last);
        return c != 0 ? c : a.policy.compareTo(b.policy);
    };

    public PortRange {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(policy, "policy");
        if (first < 0 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " out of 0..65535");
        }
        if (protocol == PolicyProtocol.ANY && (first != 0 || last != 65535)) {
            throw new IllegalArgumentException("protocol ANY spans 0..65535, not " + first + "-" + last);
        }
    }

    /** Every protocol on every port, allowed by {@code policy}. */
    public static PortRange any(ObjectRef policy) {
        return new PortRange(PolicyProtocol.ANY, 0, 65535, policy);
    }

    /** "TCP 80", "UDP 1000-2000", "ANY" */
    @Override
    public String toString() {
        if (protocol == PolicyProtocol.ANY) return "ANY";
        return protocol + " " + (first == last ? Integer.toString(first) : first + "-" + last);
    }
}
