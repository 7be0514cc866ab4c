package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.Comparator;
import java.util.Objects;

/**
 * Key of {@code senda_srcrange4_v1/6} ({@code struct senda_srcrange4_key / 6}, LPM tries): one
 * {@code loadBalancerSourceRanges} entry of one frontend ({@code bpf/lib/abi/src_range.h}). The C
 * key's prefixlen is 32 (the service id) + {@code prefixLength}; the codec adds the 32.
 *
 * @param serviceId    the frontend's service id
 * @param network      the range's network address, host bits zero; its family picks the map
 * @param prefixLength the range's prefix length, 0..32 or 0..128
 */
public record SourceRangeKey(int serviceId, IpAddress network, int prefixLength) implements Comparable<SourceRangeKey> {
    private static final Comparator<SourceRangeKey> ORDER = Comparator
            .comparing(SourceRangeKey::serviceId, Integer::compareUnsigned)
            .thenComparing(SourceRangeKey::network)
            .thenComparingInt(SourceRangeKey::prefixLength);

    public SourceRangeKey {
        Objects.requireNonNull(network, "network");
        int max = network.family().byteLength() * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + max);
        }
        if (!network.equals(masked(network, prefixLength))) {
            throw new IllegalArgumentException(network + "/" + prefixLength + " has host bits set");
        }
    }

    /** The key of the range {@code address/prefixLength}, host bits of {@code address} cleared. */
    public static SourceRangeKey of(int serviceId, IpAddress address, int prefixLength) {
        return new SourceRangeKey(serviceId, masked(address, prefixLength), prefixLength);
    }

    public IpFamily family() {
        return network.family();
    }

    /** The range as text, {@code 10.0.0.0/8} or {@code fd00::/64}. */
    public String range() {
        return network + "/" + prefixLength;
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
    public int compareTo(SourceRangeKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return "source range " + range() + " of service " + Integer.toUnsignedString(serviceId);
    }
}
