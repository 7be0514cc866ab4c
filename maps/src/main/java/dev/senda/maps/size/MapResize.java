package dev.senda.maps.size;

import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.LibbpfException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Gives pinned maps the configured size, keeping their entries: a map pinned by an earlier agent
 * with another {@code max_entries} (its flag changed, or the memory-derived default did) would be
 * refused by libbpf at load. So, before the objects load, {@link #prepare} moves each such pin aside
 * (to {@code <name>_resizing}), the load creates the map anew at the configured size and pins it, and
 * {@link Pending#finish} copies every entry of the old map into the new one and removes the old pin.
 * The programs still attached read the old map until the agent replaces them, moments later; entries
 * the datapath writes in between (new conntrack flows) are not carried over.
 *
 * <p>Never loses entries silently: a map holding more entries than a size given for it (a flag or
 * {@code --config}) can take is refused before anything is touched, with the flag, the pinned size and
 * the count ({@link #prepare} throws). A memory-derived default that is smaller than what a map holds
 * does not refuse the start (a busy node's conntrack would otherwise stop its agent's upgrade): the map
 * keeps its pinned size, said in one log line at each start, until its flag names a size or it holds
 * fewer entries. Entries are counted with one batched pass, and only for a map whose size differs.
 * An agent that dies between the two steps leaves the {@code _resizing} pin, which the next start
 * copies from in the same way.
 */
public final class MapResize {
    private static final Logger LOG = LoggerFactory.getLogger(MapResize.class);
    /** Suffix of a pin moved aside (bpffs refuses '.' in names). */
    static final String ASIDE = "_resizing";

    private MapResize() {
    }

    /**
     * One map moved aside, to be copied into the new map of the same name.
     *
     * @param leftover moved aside by an earlier start that did not finish (not by this {@link #prepare}):
     *                 a failed load leaves it where it is, for the next start
     */
    public record Moved(String mapName, Path aside, int oldSize, int newSize, boolean leftover) {
    }

    /**
     * The maps moved aside by {@link #prepare}, which {@link #finish} completes, and the maps that keep their
     * pinned size because their default is smaller than what they hold ({@link #keptSize}), by name.
     */
    public record Pending(List<Moved> moved, Map<String, Integer> keptPinned) {
        public Pending {
            moved = List.copyOf(moved);
            keptPinned = Map.copyOf(keptPinned);
        }

        /** Nothing to resize. */
        public static Pending none() {
            return new Pending(List.of(), Map.of());
        }

        /**
         * The size a map of this name keeps instead of the configured one (its pinned or left-over map's),
         * or empty.
         */
        public java.util.OptionalInt keptSize(String mapName) {
            Integer size = keptPinned.get(mapName);
            return size == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(size);
        }

        /**
         * Copies each moved map into its new map (found in the first of {@code objects} that declares it)
         * and removes the old pin.
         *
         * @return one line per map, for the log
         */
        public List<String> finish(List<BpfObject> objects) {
            List<String> done = new ArrayList<>();
            for (Moved m : moved) {
                BpfMap target = find(objects, m.mapName()).orElseThrow(() ->
                        new IllegalStateException("no loaded object declares " + m.mapName()));
                int copied = 0;
                try (BpfMap old = BpfMap.openPinned(m.aside())) {
                    for (byte[] key : old.keys()) {
                        byte[] value = old.lookup(key);
                        if (value == null) continue;  // gone since the key walk (LRU eviction)
                        target.update(key, value);
                        copied++;
                    }
                }
                try {
                    Files.delete(m.aside());
                } catch (IOException e) {
                    throw new UncheckedIOException("remove " + m.aside(), e);
                }
                String line = m.mapName() + " resized from " + m.oldSize() + " to " + m.newSize() + " entries, "
                        + copied + " entries copied" + (m.leftover() ? " (a resize an earlier start left unfinished)" : "");
                LOG.info("{}", line);
                done.add(line);
            }
            return done;
        }

        /**
         * Undoes {@link #prepare} after a failed load: each map moved aside goes back to its pin (a new
         * pin the failed load left is removed first), so the running datapath's maps are where they were;
         * a leftover of an earlier start stays aside (the failed load's new pin of it is removed), so the
         * next start takes it up again.
         */
        public void rollback() {
            for (Moved m : moved) {
                Path pin = m.aside().resolveSibling(m.mapName());
                try {
                    Files.deleteIfExists(pin);
                    // an earlier start's leftover stays aside for the next start, which would refuse it
                    // beside the pin the failed load made (prepare: "both exist")
                    if (m.leftover()) continue;
                    Files.move(m.aside(), pin, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // the aside map still holds every entry; the next start copies from it (or, with a new pin
                    // left beside it, refuses both, naming them)
                    LOG.warn("cannot put {} back as {} ({})", m.aside(), pin, e.toString());
                }
            }
        }

        private static Optional<BpfMap> find(List<BpfObject> objects, String name) {
            for (BpfObject o : objects) {
                try {
                    return Optional.of(o.map(name));
                } catch (LibbpfException e) {
                    // not in this object
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Moves aside every pin under {@code bpffsRoot} of a sized map whose {@code max_entries} differs
     * from {@code sizes}, after checking that each one's entries fit in its new size. A map whose entries
     * do not fit in its memory-derived default keeps its pinned size (in {@link Pending#keptPinned()}); so
     * does the new map of a left-over {@code _resizing} pin, whose entries it will take.
     *
     * @throws IllegalArgumentException naming the flag, the pinned size and the entry count, when a map
     *                                  holds more entries than the size given for it (a flag or
     *                                  {@code --config}); nothing was moved then
     */
    public static Pending prepare(Path bpffsRoot, MapSizes sizes) {
        record Plan(String name, Path pin, Path aside, int oldSize, int newSize) {
        }
        List<Plan> plans = new ArrayList<>();
        List<Moved> leftovers = new ArrayList<>();
        Map<String, Integer> kept = new TreeMap<>();
        for (MapSizeSetting setting : MapSizeSetting.ALL) {
            int wanted = sizes.of(setting);
            boolean given = sizes.explicit().contains(setting);
            for (String name : setting.mapNames()) {
                Path pin = bpffsRoot.resolve(name);
                Path aside = bpffsRoot.resolve(name + ASIDE);
                if (Files.exists(aside)) {
                    // an earlier resize that did not finish: copy from it into whatever gets pinned now, which
                    // must take what it holds (the old programs may have filled it since)
                    if (Files.exists(pin)) throw new IllegalStateException(pin + " and " + aside + " both exist: "
                            + "remove one (" + aside + " holds the entries of an unfinished resize)");
                    try (BpfMap left = BpfMap.openPinned(aside)) {
                        int size = fitting(setting, name, left, wanted, given);
                        if (size != wanted) kept.put(name, size);
                        leftovers.add(new Moved(name, aside, left.info().maxEntries(), size, true));
                    }
                    continue;
                }
                if (!Files.exists(pin)) continue;
                try (BpfMap map = BpfMap.openPinned(pin)) {
                    int pinned = map.info().maxEntries();
                    int size = fitting(setting, name, map, wanted, given);
                    if (size != wanted) {
                        kept.put(name, size);
                    } else if (pinned != wanted) {
                        plans.add(new Plan(name, pin, aside, pinned, wanted));
                    }
                }
            }
        }
        List<Moved> moved = new ArrayList<>(leftovers);
        for (Plan p : plans) {
            try {
                Files.move(p.pin(), p.aside(), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("move " + p.pin() + " aside for resizing", e);
            }
            moved.add(new Moved(p.name(), p.aside(), p.oldSize(), p.newSize(), false));
        }
        return new Pending(moved, kept);
    }

    /**
     * The size the pinned map {@code name} is to have: {@code wanted}, unless it holds more entries than
     * that; then its own size when {@code wanted} is a default (logged), or a refusal when it was given.
     * Counts only when the sizes differ.
     */
    private static int fitting(MapSizeSetting setting, String name, BpfMap map, int wanted, boolean given) {
        int size = map.info().maxEntries();
        if (size == wanted) return wanted;
        long count = entries(map);
        if (count <= wanted) return wanted;
        if (!given) {
            LOG.info("{} keeps {} entries: it holds {}, more than the default {} ({} sets a size)",
                    name, size, count, wanted, setting.flag());
            return size;
        }
        throw new IllegalArgumentException(setting.flag() + ": " + wanted + " is too small: the pinned "
                + name + " (max_entries " + size + ") holds " + count + " entries; give at least "
                + count + ", or remove entries first");
    }

    /** The entries a map holds: one batched pass, or a key walk where the kernel has no batch lookup. */
    private static long entries(BpfMap map) {
        try {
            return map.countEntries();
        } catch (LibbpfException e) {
            return map.keys().size();
        }
    }
}
