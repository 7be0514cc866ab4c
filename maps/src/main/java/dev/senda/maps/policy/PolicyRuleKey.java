package dev.senda.maps.policy;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.Comparator;
import java.util.Objects;

/**
 * Key of {@code senda_polrule4_v1/senda_polrule6_v1} (LPM tries): one peer prefix of one direction of
 * one local pod. The C prefixlen is 64 (endpoint id, direction, pad) + {@code prefixLength}; the
 * codec adds the 64.
 *
 * @param endpointId   the local pod's endpoint id
 * @param direction    ingress (peer = source) or egress (peer = destination)
 * @param peer         the peer prefix's network address, host bits zero; its family picks the map
 * @param prefixLength 0..32 or 0..128
 */
public record PolicyRuleKey(int endpointId, RuleDirection direction, IpAddress peer, int prefixLength)
        implements Comparable<PolicyRuleKey> {
    private static final Comparator<PolicyRuleKey> ORDER = Comparator
            .comparing(PolicyRuleKey::endpointId, Integer::compareUnsigned)
            .thenComparing(PolicyRuleKey::direction)
            .thenComparing(PolicyRuleKey::peer)
            .thenComparingInt(PolicyRuleKey::prefixLength);

    public PolicyRuleKey {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(peer, "peer");
        int max = peer.family().byteLength() * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + max);
        }
        if (!peer.equals(masked(peer, prefixLength))) {
            throw new IllegalArgumentException(peer + "/" + prefixLength + " has host bits set");
        }
    }

    /** The key of {@code address/prefixLength}, host bits of {@code address} cleared. */
    public static PolicyRuleKey of(int endpointId, RuleDirection direction, IpAddress address, int prefixLength) {
        return new PolicyRuleKey(endpointId, direction, masked(address, prefixLength), prefixLength);
    }

    public IpFamily family() {
        return peer.family();
    }

    /** {@code 10.0.0.0/8}, {@code fd00::/64}. */
    public String prefix() {
        return peer + "/" + prefixLength;
    }

    private static IpAddress masked(IpAddress address, int prefixLength) {
        byte[] b = address.bytes();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.clamp(prefixLength - i * 8L, 0, 8);
            b[i] &= (byte) (0xff00 >> keep);
        }
        return IpAddress.of(b);
    }

    @Override
    public int compareTo(PolicyRuleKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return "policy rule " + direction.label() + " " + prefix() + " of endpoint " + Integer.toUnsignedString(endpointId);
    }
}
