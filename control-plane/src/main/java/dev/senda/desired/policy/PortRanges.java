package dev.senda.desired.policy;

import dev.senda.model.ObjectRef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Merging of port ranges into the fewest ranges with the same union, per protocol. */
public final class PortRanges {
    private PortRanges() {
    }

    /**
     * The union of {@code ranges}: per protocol, overlapping or adjacent ranges become one, whose
     * {@code policy} is the first (namespace/name order) of the policies merged into it; everything is
     * subsumed when an {@link PolicyProtocol#ANY} range is present (it allows every protocol and port).
     * Sorted by {@link PortRange#ORDER}.
     */
    public static List<PortRange> merge(Collection<PortRange> ranges) {
        if (ranges.isEmpty()) return List.of();
        List<PortRange> sorted = new ArrayList<>(ranges);
        sorted.sort(PortRange.ORDER);
        if (sorted.getFirst().protocol() == PolicyProtocol.ANY) {
            ObjectRef first = sorted.stream().filter(r -> r.protocol() == PolicyProtocol.ANY)
                    .map(PortRange::policy).min(ObjectRef::compareTo).orElseThrow();
            return List.of(PortRange.any(first));
        }
        List<PortRange> out = new ArrayList<>();
        PortRange open = null;
        for (PortRange r : sorted) {
            if (open != null && open.protocol() == r.protocol() && r.first() <= open.last() + 1) {
                ObjectRef policy = open.policy().compareTo(r.policy()) <= 0 ? open.policy() : r.policy();
                open = new PortRange(open.protocol(), open.first(), Math.max(open.last(), r.last()), policy);
            } else {
                if (open != null) out.add(open);
                open = r;
            }
        }
        out.add(open);
        return List.copyOf(out);
    }
}
