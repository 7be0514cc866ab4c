package dev.senda.bench;

import dev.senda.datapath.BundledObjects;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.Bpffs;
import dev.senda.maps.size.MapSizeSetting;
import dev.senda.maps.size.MapSizes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One of Senda's BPF objects loaded for a benchmark, its maps pinned under a fresh
 * {@code /sys/fs/bpf/sd<6 hex>} directory (the testbed's prefix, which {@code ./senda test} checks is
 * gone afterwards), so a run never touches an agent's maps. {@link #close} unloads the object and
 * removes every pin and the directory; a shutdown hook does the same if the JVM is stopped
 * (Ctrl-C) while it is open.
 */
public final class ScratchObject implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BpfObject object;
    private final Path pinRoot;
    private final Thread hook;
    private boolean closed;

    private ScratchObject(BpfObject object, Path pinRoot, Thread hook) {
        this.object = object;
        this.pinRoot = pinRoot;
        this.hook = hook;
    }

    /**
     * Loads {@code dev/senda/bpf/<objectName>}.
     *
     * @param programs whether to load its programs too (false: its maps only, no verifier run)
     * @param sizes    max entries of the sized tables to set before loading; tables not named keep
     *                 the size compiled into the object
     */
    public static ScratchObject load(String objectName, boolean programs, Map<MapSizeSetting, Integer> sizes) {
        Path file = BundledObjects.extract(objectName);
        Path pinRoot = Path.of("/sys/fs/bpf", "sd" + HexFormat.of().toHexDigits(RANDOM.nextInt()).substring(2));
        Thread hook = new Thread(() -> removePins(pinRoot), "scratch-pins-" + pinRoot.getFileName());
        Runtime.getRuntime().addShutdownHook(hook);
        BpfObject object = null;
        try {
            Bpffs.ensureMounted(pinRoot);
            object = BpfObject.open(file, pinRoot);
            if (!programs) object.programs().forEach(p -> p.setAutoload(false));
            for (BpfMap map : object.maps()) {
                Optional<MapSizeSetting> setting = MapSizes.settingOf(map.name());
                if (setting.isPresent() && sizes.containsKey(setting.get())) map.setMaxEntries(sizes.get(setting.get()));
            }
            object.load();
            return new ScratchObject(object, pinRoot, hook);
        } catch (RuntimeException e) {
            if (object != null) object.close();
            removePins(pinRoot);
            Runtime.getRuntime().removeShutdownHook(hook);
            throw e;
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans /tmp
            }
        }
    }

    public BpfObject object() {
        return object;
    }

    /** The load-balancer tables of the object, both families (the object owns the fds). */
    public LbMaps lbMaps() {
        return LbMaps.over(object);
    }

    public Path pinRoot() {
        return pinRoot;
    }

    /** A power of two at least {@code entries} and at least {@code floor}: a map size that holds them. */
    public static int sizeFor(long entries, int floor) {
        long size = Math.max(floor, Long.highestOneBit(Math.max(1, entries - 1)) << 1);
        if (size > MapSizes.MAX_ENTRIES) throw new IllegalArgumentException(entries + " entries do not fit a map");
        return (int) size;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            object.close();
        } finally {
            removePins(pinRoot);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: nothing left to remove
            }
        }
    }

    private static void removePins(Path pinRoot) {
        if (!Files.isDirectory(pinRoot)) return;
        try (Stream<Path> pins = Files.list(pinRoot)) {
            for (Path pin : pins.toList()) Files.deleteIfExists(pin);
            Files.deleteIfExists(pinRoot);
        } catch (IOException e) {
            System.err.println("senda bench: cannot remove scratch pins " + pinRoot + ": " + e);
        }
    }
}
