package dev.senda.desired.policy;

import dev.senda.desired.Cidr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.SortedSet;
import java.util.TreeSet;
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
        Map<Cidr, List<Grant>> byExcept = new HashMap<>();
        for (Grant g : grants) {
            byPrefix.computeIfAbsent(g.prefix(), k -> new ArrayList<>()).add(g);
            for (Cidr e : g.except()) byExcept.computeIfAbsent(e, k -> new ArrayList<>()).add(g);
        }
        TreeMap<Cidr, Resolved> all = new TreeMap<>(CIDR_ORDER);
        Set<Cidr> entries = new HashSet<>(byPrefix.keySet());
        entries.addAll(byExcept.keySet());
        // Only lengths some entry has can hold an enclosing entry: usually 0, 32/128 and a few blocks.
        TreeSet<Integer> lengths4 = new TreeSet<>(Comparator.reverseOrder());
        TreeSet<Integer> lengths6 = new TreeSet<>(Comparator.reverseOrder());
        for (Cidr c : entries) (c.address().isIpv4() ? lengths4 : lengths6).add(c.bits());
        for (Cidr q : entries) {
            SortedSet<Integer> lengths = (q.address().isIpv4() ? lengths4 : lengths6).tailSet(q.bits());
            // Identity sets: two grants may be equal records (same pod reached by two peers) yet both count.
            List<Grant> allowing = new ArrayList<>();
            Set<Grant> excluded = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int bits : lengths) {
                Cidr a = bits == q.bits() ? q : Prefixes.of(q.address(), bits);
                List<Grant> g = byPrefix.get(a);
                if (g != null) allowing.addAll(g);
                List<Grant> x = byExcept.get(a);
                if (x != null) excluded.addAll(x);
            }
            List<PortRange> contributions = new ArrayList<>();
            for (Grant g : allowing) {
                if (!excluded.contains(g)) contributions.addAll(g.ports());
            }
            contributions.sort(PortRange.ORDER);
            all.put(q, new Resolved(q, List.copyOf(contributions), PortRanges.merge(contributions)));
        }
        List<Resolved> out = new ArrayList<>();
        for (Resolved r : all.values()) {
            Resolved parent = nearestEnclosing(r.peer(), all,
                    (r.peer().address().isIpv4() ? lengths4 : lengths6).tailSet(r.peer().bits(), false));
            boolean redundant = parent == null ? r.merged().isEmpty() : parent.merged().equals(r.merged());
            if (!redundant) out.add(r);
        }
        return out;
    }

    /** The longest entry strictly enclosing {@code q}; {@code shorter}: the entry lengths below q's, longest first. */
    private static Resolved nearestEnclosing(Cidr q, Map<Cidr, Resolved> all, SortedSet<Integer> shorter) {
        for (int bits : shorter) {
            Resolved r = all.get(Prefixes.of(q.address(), bits));
            if (r != null) return r;
        }
        return null;
    }
}
