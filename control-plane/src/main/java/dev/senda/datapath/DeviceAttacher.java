package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.NetDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps per-packet LB attached to every interface of one {@link DatapathLayout.DeviceKind} (pod or node
 * interfaces) whose name matches a glob, at that kind's hooks: attaches to the interfaces present at
 * start before {@link #start()} returns, then polls for interfaces that appear (a new pod, a link that
 * comes up) or disappear (their pins are removed).
 *
 * <p>Pins of this kind for interfaces that no longer match (or of every interface, without a glob) are
 * removed, and at start Senda's clsact filters of this kind (kernels without tcx) too, so an agent
 * started without the kind's flag leaves no per-packet LB of that kind from an earlier run. Another
 * kind's pins and filters are never touched.
 */
final class DeviceAttacher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceAttacher.class);
    static final long POLL_MILLIS = 200;

    private final Path bpffsRoot;
    private final DatapathLayout.DeviceKind kind;
    /** The program of each of the kind's hooks, in that order. */
    private final List<BpfProgram> programs;
    private final TcMode mode;
    private final Optional<PathMatcher> matcher;
    private final Optional<String> glob;
    /** ifname -> ifindex we attached to. */
    private final Map<String, Integer> attached = new HashMap<>();
    /** ifname -> ifindex whose attach failed; retried only when the device is recreated or after a pause. */
    private final Map<String, Integer> failed = new HashMap<>();
    private final Map<String, Long> failedAtNanos = new HashMap<>();
    static final long RETRY_FAILED_NANOS = 30_000_000_000L;
    private ScheduledExecutorService poller;

    /** @param mode how to attach; with {@link TcMode#NONE} only Senda's earlier attachments are removed */
    DeviceAttacher(Path bpffsRoot, DatapathLayout.DeviceKind kind, List<BpfProgram> programs, TcMode mode,
                   Optional<String> glob) {
        if (programs.size() != kind.hooks().size()) {
            throw new IllegalArgumentException("one program per tc hook: " + kind.hooks());
        }
        this.bpffsRoot = bpffsRoot;
        this.kind = kind;
        this.programs = List.copyOf(programs);
        this.mode = mode;
        this.glob = glob;
        this.matcher = glob.map(g -> {
            try {
                return FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(kind.flag() + ": invalid glob '" + g + "': " + e.getMessage(), e);
            }
        });
    }

    void start() {
        removeClsactFromUnmatched();
        scan();
        if (matcher.isPresent() && mode != TcMode.NONE) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, kind.flag().substring(2));
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(this::scanLogged, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
            log.info("per-packet LB follows interfaces matching {} '{}'", kind.flag(), glob.get());
        }
    }

    private void scanLogged() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.warn("scanning interfaces for {} failed: {}", kind.flag(), e.toString());
        }
    }

    private synchronized void scan() {
        Map<String, Integer> present = NetDevices.list();
        for (Map.Entry<String, Integer> dev : present.entrySet()) {
            String name = dev.getKey();
            if (!matches(name) || mode == TcMode.NONE) continue;
            Integer was = attached.get(name);
            if (was != null && was.equals(dev.getValue())) continue;
            if (dev.getValue().equals(failed.get(name))
                    && System.nanoTime() - failedAtNanos.get(name) < RETRY_FAILED_NANOS) {
                continue; // logged once; a poll every 200 ms must not flood the log
            }
            try {
                java.util.Set<Links.Swap> swaps = java.util.EnumSet.noneOf(Links.Swap.class);
                for (int i = 0; i < programs.size(); i++) {
                    swaps.add(mode.attach(bpffsRoot, programs.get(i), kind.hooks().get(i), name, dev.getValue()));
                }
                attached.put(name, dev.getValue());
                failed.remove(name);
                log.info("per-packet LB ({}) on {} (ifindex {}): {}", kind.flag(), name, dev.getValue(), Links.describe(swaps));
            } catch (RuntimeException e) {
                failed.put(name, dev.getValue());
                failedAtNanos.put(name, System.nanoTime());
                log.warn("cannot attach per-packet LB to {} (retrying in {} s or when it is recreated): {}",
                        name, RETRY_FAILED_NANOS / 1_000_000_000L, e.getMessage());
            }
        }
        attached.keySet().removeIf(name -> !present.containsKey(name));
        failed.keySet().removeIf(name -> !present.containsKey(name));
        removeStalePins(present);
    }

    /**
     * On kernels without tcx the filters are not pinned links, so nothing records them: once at start,
     * take Senda's clsact filter off every interface an earlier agent may have attached to and this one
     * must not (all of them without a glob).
     */
    private void removeClsactFromUnmatched() {
        for (Map.Entry<String, Integer> dev : NetDevices.list().entrySet()) {
            if (!matches(dev.getKey()) && Links.removeClsactFilter(kind, dev.getKey(), dev.getValue())) {
                log.info("per-packet LB ({}, clsact) removed from {}", kind.flag(), dev.getKey());
            }
        }
    }

    /** Removes this kind's tc pins whose interface is gone or no longer matches. */
    private void removeStalePins(Map<String, Integer> present) {
        Path dir = DatapathLayout.linksDir(bpffsRoot);
        if (!Files.isDirectory(dir)) return;
        java.util.Set<String> stale = new java.util.TreeSet<>();
        try (DirectoryStream<Path> pins = Files.newDirectoryStream(dir, DatapathLayout.TC_LINK_PREFIX + "*")) {
            for (Path pin : pins) {
                Optional<String> ifname = kind.ifnameOfPin(pin);
                if (ifname.isEmpty()) continue; // another kind's
                String name = ifname.get();
                if (!present.containsKey(name) || !matches(name)) stale.add(name);
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.toString());
        }
        for (String name : stale) {
            Links.detachTc(bpffsRoot, kind, name, present.getOrDefault(name, 0));
            log.info("per-packet LB ({}) removed from {}", kind.flag(), name);
        }
    }

    private boolean matches(String name) {
        return matcher.map(m -> m.matches(Path.of(name))).orElse(false);
    }

    /**
     * The interfaces whose last attach failed (retried later): they may still run a previous agent's
     * programs, e.g. the other layout version's while a migration ends.
     */
    synchronized java.util.Set<String> failedDevices() {
        return java.util.Set.copyOf(failed.keySet());
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
