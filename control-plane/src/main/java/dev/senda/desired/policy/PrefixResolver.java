package dev.senda.desired.policy;

import dev.senda.desired.Cidr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns overlapping grants ("these ports to this prefix, except those sub-prefixes") into
 * {@link PeerRule}s on which a plain longest-prefix match gives the union of every grant that allows the
 * address.
 *
 * <p>Why it is right: the entries are every grant prefix and every except prefix. An address {@code a}
 * matches the longest entry {@code Q} containing it, so {@code a} is in no longer entry; a grant {@code g}
 * allows {@code a} exactly when {@code g}'s prefix contains {@code Q} and none of {@code g}'s excepts
 * contains {@code Q} (a prefix or except shorter than {@code Q} and containing {@code a} contains all of
 * {@code Q}; one longer than {@code Q} cannot contain {@code a}, or it would have matched). So {@code Q}
 * gets the ranges of exactly those grants, the same for every address it matches.
 *
 * <p>An entry whose ranges equal those of its nearest enclosing entry is left out (the enclosing one
 * matches instead), and so is an entry with no ranges and no enclosing entry (no match = deny).
 */
final class PrefixResolver {
    /**
     * One allowance.
     *
     * @param prefix normalized
     * @param except normalized, each inside {@code prefix}
     * @param ports  what it allows (unmerged)
     */
    record Grant(Cidr prefix, List<Cidr> except, List<PortRange> ports) {
        Grant {
            except = List.copyOf(except);
            ports = List.copyOf(ports);
        }
    }

    /** An entry before merging: every range of every grant that allows it, for explanations. */
    record Resolved(Cidr peer, List<PortRange> contributions, List<PortRange> merged) {
    }

    private static final Comparator<Cidr> CIDR_ORDER =
            Comparator.comparing(Cidr::address).thenComparingInt(Cidr::bits);

    private PrefixResolver() {
    }

    /** The entries, sorted by prefix (address, then length). */
    static List<Resolved> resolve(List<Grant> grants) {
        Map<Cidr, List<Grant>> byPrefix = new HashMap<>();
        Set<Cidr> entries = new HashSet<>();
        for (Grant g : grants) {
            byPrefix.computeIfAbsent(g.prefix(), k -> new ArrayList<>(2)).add(g);
            entries.add(g.prefix());
            entries.addAll(g.except());
        }
        // Only lengths some entry has can hold an enclosing entry: usually 0, 32/128 and a few blocks.
        int[] lengths4 = lengths(entries, true);
        int[] lengths6 = lengths(entries, false);
        TreeMap<Cidr, Resolved> all = new TreeMap<>(CIDR_ORDER);
        List<PortRange> contributions = new ArrayList<>();
        for (Cidr q : entries) {
            contributions.clear();
            for (int bits : q.address().isIpv4() ? lengths4 : lengths6) {
                if (bits > q.bits()) continue;
                List<Grant> enclosing = byPrefix.get(bits == q.bits() ? q : Prefixes.of(q.address(), bits));
                if (enclosing == null) continue;
                for (Grant g : enclosing) {
                    if (!excepted(g, q)) contributions.addAll(g.ports());
                }
            }
            List<PortRange> sorted = List.copyOf(contributions.stream().sorted(PortRange.ORDER).toList());
            all.put(q, new Resolved(q, sorted, PortRanges.merge(sorted)));
        }
        List<Resolved> out = new ArrayList<>();
        for (Resolved r : all.values()) {
            Resolved parent = nearestEnclosing(r.peer(), all, r.peer().address().isIpv4() ? lengths4 : lengths6);
            boolean redundant = parent == null ? r.merged().isEmpty() : parent.merged().equals(r.merged());
            if (!redundant) out.add(r);
        }
        return out;
    }

    /** Whether one of {@code g}'s excepts contains {@code q}. */
    private static boolean excepted(Grant g, Cidr q) {
        for (Cidr e : g.except()) {
            if (Prefixes.covers(e, q)) return true;
        }
        return false;
    }

    /** The distinct prefix lengths of one family's entries, longest first. */
    private static int[] lengths(Set<Cidr> entries, boolean ipv4) {
        return entries.stream().filter(c -> c.address().isIpv4() == ipv4).mapToInt(Cidr::bits).distinct()
                .map(b -> -b).sorted().map(b -> -b).toArray();
    }

    /** The longest entry strictly enclosing {@code q}; {@code lengths}: the entry lengths, longest first. */
    private static Resolved nearestEnclosing(Cidr q, Map<Cidr, Resolved> all, int[] lengths) {
        for (int bits : lengths) {
            if (bits >= q.bits()) continue;
            Resolved r = all.get(Prefixes.of(q.address(), bits));
            if (r != null) return r;
        }
        return null;
    }
}
