package dev.senda.maps.lb;

import dev.senda.maps.libbpf.BpfMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Carries the entries of a pinned map of another layout version into the map a newly loaded object
 * declares, for maps whose layouts only ever grow at the end ({@link #APPEND_ONLY}), in both directions:
 *
 * <ul>
 *   <li><b>Upgrade</b> (the pin is an older version, {@code senda_ct4_v1} under an object declaring
 *       {@code senda_ct4_v2}): each value is copied with the new tail zeroed. For these maps zero means
 *       "unknown" (a conntrack entry with backend id 0 keeps its backend for established TCP and is
 *       re-balanced once for UDP or a new SYN).</li>
 *   <li><b>Downgrade</b> (the pin is a newer version, e.g. {@code senda_ct4_v3} found by an agent that knows
 *       {@code senda_ct4_v2}): each value is cut to this version's size, dropping fields this version
 *       does not know. An older agent can do this without knowing the newer layout, because the rule
 *       binds every future version of these maps: a change that is not an append gets a new map stem.</li>
 * </ul>
 *
 * <p>Two passes around the program swap: {@link #prepare} copies everything while the old programs still
 * run (before any link is updated); {@link Plan#finish} runs after the new programs replaced them and
 * copies, without overwriting, what the old programs created in between, then removes the other
 * version's pin. In between, the hooks are swapped one by one, so the old programs keep opening flows
 * on the hooks not swapped yet: the new programs find those in the other map, which {@link PriorMaps}
 * lends them for that time (without it, the next packet of such a flow met no entry in the new map: an
 * ACK was balanced afresh, a reply left untranslated, and the connection hung). The other way round
 * stays open: a flow the new programs open whose reply meets a hook not swapped yet leaves that reply
 * untranslated, which costs a TCP client one SYN retransmission (1 s), by when every hook runs the new
 * programs. Keys must be the same size in both versions (a key change is a new stem).
 *
 * <p>Other maps need no migration: the control plane's maps are rewritten from its sources, and a
 * layout change of one of them must bring its own migration (DESIGN.md).
 */
public final class LayoutMigration {
    private static final Logger log = LoggerFactory.getLogger(LayoutMigration.class);

    /** Stems of the maps whose values only grow at the end, with zero meaning "unknown" in new fields. */
    public static final Set<String> APPEND_ONLY = Set.of("senda_ct4", "senda_ct6");

    private static final Pattern VERSIONED = Pattern.compile("(senda_[a-z0-9]+)_v([0-9]+)");

    private LayoutMigration() {
    }

    /** One map carried over: from the pin of {@code otherVersion} into {@code current}. */
    public record Step(Path otherPin, int otherVersion, BpfMap current, int currentVersion, int copiedBefore) {
        /** Whether the other pin is the newer version (an older agent started after a newer one). */
        public boolean downgrade() {
            return otherVersion > currentVersion;
        }
    }

    /** The migrations under way: the first pass done, the second pending. */
    public record Plan(List<Step> steps) {
        public Plan {
            steps = List.copyOf(steps);
        }

        public boolean isEmpty() {
            return steps.isEmpty();
        }

        /**
         * The second pass, once the new programs run: copies the entries the old programs created since
         * {@link #prepare} (never overwriting the new map's), then removes the other versions' pins.
         *
         * @return per step, entries copied in both passes, for a log line
         */
        public List<String> finish() {
            List<String> done = new ArrayList<>();
            for (Step s : steps) {
                int late = 0;
                if (Files.exists(s.otherPin())) {
                    try (BpfMap other = BpfMap.openPinned(s.otherPin())) {
                        int[] inserted = {0};
                        // lookup batches: a key-by-key walk of a busy LRU map restarts whenever its key is evicted
                        other.forEachEntry((key, v) -> {
                            if (s.current().insertIfAbsent(key, resize(v, s.current().valueSize()))) inserted[0]++;
                        });
                        late = inserted[0];
                    }
                    delete(s.otherPin());
                }
                done.add(s.otherPin().getFileName() + " -> " + s.current().name() + " (" + (s.downgrade() ? "downgrade" : "upgrade")
                        + "): " + s.copiedBefore() + " entries before the swap, " + late + " after");
            }
            return done;
        }
    }

    /**
     * The first pass: for every map of {@code loaded} with an {@link #APPEND_ONLY} stem, copies the
     * entries of each pin of the same stem and another version under {@code bpffsRoot}.
     *
     * A pin whose key size differs is left alone with a warning (nothing is copied from it).
     */
    public static Plan prepare(Path bpffsRoot, Collection<BpfMap> loaded) {
        List<Step> steps = new ArrayList<>();
        for (BpfMap map : loaded) {
            Optional<Versioned> name = Versioned.of(map.name());
            if (name.isEmpty() || !APPEND_ONLY.contains(name.get().stem())) continue;
            for (Versioned other : otherVersions(bpffsRoot, name.get())) {
                Path pin = bpffsRoot.resolve(other.name());
                int[] copied = {0};
                int oldValueSize;
                try (BpfMap old = BpfMap.openPinned(pin)) {
                    if (old.keySize() != map.keySize()) {
                        // Not an append-only change: the starting datapath must not be refused for it
                        // (a crash loop would follow); the pin stays for whoever knows its layout.
                        log.warn("not migrating {}: {}-byte keys, {} has {}: not an append-only change", pin,
                                old.keySize(), map.name(), map.keySize());
                        continue;
                    }
                    oldValueSize = old.valueSize();
                    // lookup batches: a key-by-key walk of a busy LRU map restarts whenever its key is evicted.
                    // Never over an entry the map has: after an agent died between the two passes the new
                    // programs already run and write it, and theirs is the newer one.
                    old.forEachEntry((key, v) -> {
                        if (map.insertIfAbsent(key, resize(v, map.valueSize()))) copied[0]++;
                    });
                }
                log.info("migrating {} ({}-byte values) to {} ({}-byte values): {} entries copied before the swap",
                        other.name(), oldValueSize, map.name(), map.valueSize(), copied[0]);
                steps.add(new Step(pin, other.version(), map, name.get().version(), copied[0]));
            }
        }
        return new Plan(steps);
    }

    /** A value of another version at {@code size} bytes: zero-extended (upgrade) or cut (downgrade). */
    static byte[] resize(byte[] value, int size) {
        return Arrays.copyOf(value, size);
    }

    static List<Versioned> otherVersions(Path root, Versioned current) {
        List<Versioned> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> pins = Files.newDirectoryStream(root, current.stem() + "_v*")) {
            for (Path p : pins) {
                Versioned.of(p.getFileName().toString())
                        .filter(v -> v.stem().equals(current.stem()) && v.version() != current.version())
                        .ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        out.sort(java.util.Comparator.comparingInt(Versioned::version));
        return out;
    }

    private static void delete(Path pin) {
        try {
            Files.deleteIfExists(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + pin, e);
        }
    }

    /** A map name {@code senda_<what>_v<N>} split into stem and version. */
    record Versioned(String stem, int version) {
        static Optional<Versioned> of(String name) {
            Matcher m = VERSIONED.matcher(name);
            return m.matches() ? Optional.of(new Versioned(m.group(1), Integer.parseInt(m.group(2)))) : Optional.empty();
        }

        String name() {
            return stem + "_v" + version;
        }
    }
}
