package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Services and EndpointSlices from the {@code *.yaml} / {@code *.yml} files of one directory (not
 * recursive; names starting with "." are skipped), for a node without a cluster and for demos.
 *
 * <p>Rules: every file may hold several documents; other kinds are ignored with a log line. A file
 * that fails to read or parse is logged with its path and keeps contributing the objects of its last
 * good version (an editor's half-written save must not take Services down). Removing a file removes its
 * objects. When two files define the same object, the file whose path sorts last wins (logged).
 *
 * <p>Changes are seen through a {@link WatchService} on the directory (which also catches the
 * symlink swap of a mounted ConfigMap), with a full rescan every {@code rescanInterval} as a safety net
 * for events the platform drops. A rescan compares file contents with what it read last time, so an
 * idle directory costs a few small reads and no parsing.
 *
 * <p>This source owns the whole content of its {@link ObjectStore} (it replaces it on every change).
 * {@link #hasSynced()} is true once {@link #start} returned when every file parsed in that first
 * read. A file that did not (an editor's half-written save, say) holds the sync back until it parses
 * or until a rescan at least {@link #SYNC_GRACE} after start: until then the agent prunes nothing, so
 * a restart during a save does not tear down that file's Services.
 */
public final class DirectorySource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);

    /** How long a file that failed to parse at start may hold back {@link #hasSynced()}. */
    static final Duration SYNC_GRACE = Duration.ofSeconds(5);
    /** Default interval of the safety-net rescan. */
    public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(10);
    /** Files bigger than this are refused (logged, previous objects kept): a guard against mistakes. */
    static final long MAX_FILE_BYTES = 16L << 20;
    /** After a watch event, wait this long for the burst of events an editor's save makes. */
    private static final Duration SETTLE = Duration.ofMillis(50);
    /** Upper bound on settling, so a directory that never stops changing is still rescanned. */
    private static final int MAX_SETTLE_ROUNDS = 20;

    private final Path directory;
    private final Duration rescanInterval;
    /** False only in tests, to prove the periodic rescan works on its own. */
    private final boolean watchEvents;
    private final java.util.concurrent.atomic.AtomicLong rescans = new java.util.concurrent.atomic.AtomicLong();
    private final Map<Path, FileState> files = new HashMap<>();

    private volatile boolean synced;
    private long startedNanos;
    private volatile boolean closed;
    private ObjectStore store;
    private Runnable onChange;
    private WatchService watcher;
    private Thread thread;

    /** What Senda last read from one file. */
    private record FileState(String content, YamlObjects.Parsed good, boolean failed) {
    }

    public DirectorySource(Path directory) {
        this(directory, DEFAULT_RESCAN_INTERVAL);
    }

    /** @param rescanInterval how often to rescan without any watch event; at least 10 ms */
    public DirectorySource(Path directory, Duration rescanInterval) {
        this(directory, rescanInterval, true);
    }

    DirectorySource(Path directory, Duration rescanInterval, boolean watchEvents) {
        this.watchEvents = watchEvents;
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.rescanInterval = Objects.requireNonNull(rescanInterval, "rescanInterval");
        if (rescanInterval.toMillis() < 10) throw new IllegalArgumentException("rescan interval too small: " + rescanInterval);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Reads the directory once (synchronously), calls {@code onChange}, then watches for changes on a
     * daemon thread.
     *
     * @throws IllegalArgumentException when the path is not a directory
     * @throws java.io.UncheckedIOException when the directory cannot be watched
     */
    @Override
    public void start(ObjectStore store, Runnable onChange) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(onChange, "onChange");
        synchronized (this) {
            if (this.store != null) throw new IllegalStateException("already started");
            if (closed) throw new IllegalStateException("closed");
            if (!Files.isDirectory(directory)) throw new IllegalArgumentException(directory + " is not a directory");
            this.store = store;
            this.onChange = onChange;
            try {
                // Register before the first read: a change made during the read is then not missed.
                watcher = directory.getFileSystem().newWatchService();
                if (watchEvents) register();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot watch " + directory, e);
            }
            rescan();
            startedNanos = System.nanoTime();
            synced = !anyFileFailed();
            if (!synced) {
                LOG.warn("{}: a file did not parse; waiting up to {} s for it before Services missing from it "
                        + "may be removed", directory, SYNC_GRACE.toSeconds());
            }
            var snapshot = store.snapshot();
            LOG.info("read {}: {} Services, {} EndpointSlices from {} files", directory,
                    snapshot.services().size(), snapshot.endpointSlices().size(), files.size());
            thread = Thread.ofPlatform().name("senda-dir-source").daemon().start(this::watchLoop);
        }
        // Always notify once: the sync loop may be waiting for hasSynced().
        notifyChange();
    }

    private void register() throws IOException {
        directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public String describe() {
        return "dir " + directory;
    }

    private void watchLoop() {
        boolean keyValid = true;
        while (!closed) {
            try {
                // Not synced yet (a file failed at start): look again every second until the grace ends.
                long wait = synced ? rescanInterval.toMillis() : Math.min(rescanInterval.toMillis(), 1000);
                WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents(); // which file changed does not matter: rescan compares contents
                    keyValid = key.reset();
                    settle();
                } else if (!keyValid && watchEvents) {
                    // The directory vanished (or was replaced) earlier: try to watch it again.
                    try {
                        register();
                        keyValid = true;
                        LOG.info("watching {} again", directory);
                    } catch (IOException e) {
                        LOG.debug("cannot watch {} yet: {}", directory, e.toString());
                    }
                }
                if (closed) return;
                rescanAndNotify();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return; // close()
            } catch (RuntimeException e) {
                // Never let the watcher die: the next round retries.
                LOG.error("rescanning {} failed", directory, e);
            }
        }
    }

    /** Drains the follow-up events of one burst, within a bound. */
    private void settle() throws InterruptedException {
        for (int i = 0; i < MAX_SETTLE_ROUNDS; i++) {
            WatchKey more = watcher.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            if (more == null) return;
            more.pollEvents();
            more.reset();
        }
    }

    private void rescanAndNotify() {
        boolean changed;
        synchronized (this) { // against close(); the callback runs outside the lock
            if (closed) return;
            changed = rescan();
            if (!synced && (!anyFileFailed() || System.nanoTime() - startedNanos >= SYNC_GRACE.toNanos())) {
                synced = true;
                changed = true;
                LOG.info("{}: synced", directory);
            }
        }
        if (changed) notifyChange();
    }

    private boolean anyFileFailed() {
        return files.values().stream().anyMatch(FileState::failed);
    }

    private void notifyChange() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("onChange callback failed", e);
        }
    }

    /**
     * Reads what changed and replaces the store's content with the merge of every file's good objects.
     *
     * Callers hold the monitor.
     *
     * @return true when the store changed
     */
    private boolean rescan() {
        rescans.incrementAndGet();
        TreeSet<Path> present;
        try {
            present = listFiles();
        } catch (IOException e) {
            // Keep everything: a directory that is briefly unreadable (remount) must not drop Services.
            LOG.warn("cannot list {}: {}; keeping the objects read before", directory, e.toString());
            return false;
        }
        boolean touched = files.keySet().retainAll(present);
        for (Path file : present) touched |= readFile(file);
        if (!touched) return false;
        return store.replaceAll(mergeServices(), mergeSlices());
    }

    private TreeSet<Path> listFiles() throws IOException {
        TreeSet<Path> out = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) continue;
                if (!(name.endsWith(".yaml") || name.endsWith(".yml"))) continue;
                if (!Files.isRegularFile(p)) continue; // follows symlinks, as a ConfigMap mount needs
                out.add(p);
            }
        }
        return out;
    }

    /** @return true when the file's contribution may have changed */
    private boolean readFile(Path file) {
        FileState before = files.get(file);
        String content;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                return failed(file, before, "sized " + size + " bytes, above the limit of " + MAX_FILE_BYTES,
                        "size:" + size + ":" + Files.getLastModifiedTime(file));
            }
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            // NoSuchFile: deleted between listing and reading; the next rescan drops it.
            return failed(file, before, "unreadable: " + e, null);
        }
        if (before != null && before.content() != null && before.content().equals(content)) return false;
        try {
            YamlObjects.Parsed parsed = YamlObjects.parse(content);
            for (String what : parsed.ignored()) LOG.info("{}: ignoring {}", file, what);
            if (before != null && before.failed()) LOG.info("{}: readable again", file);
            files.put(file, new FileState(content, parsed, false));
            return true;
        } catch (YamlObjects.ParseException e) {
            return failed(file, before, e.getMessage(), content);
        }
    }

    /**
     * Records a failure, keeping the previous good objects. Logs once per distinct content, not on
     * every rescan. {@code seen} null means "retry next time".
     */
    private boolean failed(Path file, FileState before, String reason, String seen) {
        boolean again = before != null && before.failed() && seen != null && seen.equals(before.content());
        if (!again) {
            LOG.warn("{}: {}; {}", file, reason, before == null || before.good() == null
                    ? "ignoring the file" : "keeping the objects of its last good version");
        }
        files.put(file, new FileState(seen, before == null ? null : before.good(), true));
        return false; // the contributed objects did not change
    }

    private Map<ObjectRef, Service> mergeServices() {
        Map<ObjectRef, Service> out = new TreeMap<>();
        Map<ObjectRef, Path> from = new HashMap<>();
        for (Map.Entry<Path, FileState> e : new TreeMap<>(files).entrySet()) {
            if (e.getValue().good() == null) continue;
            for (Service s : e.getValue().good().services()) {
                put(out, from, s.ref(), s, e.getKey(), "Service");
            }
        }
        return out;
    }

    private Map<ObjectRef, EndpointSlice> mergeSlices() {
        Map<ObjectRef, EndpointSlice> out = new TreeMap<>();
        Map<ObjectRef, Path> from = new HashMap<>();
        for (Map.Entry<Path, FileState> e : new TreeMap<>(files).entrySet()) {
            if (e.getValue().good() == null) continue;
            for (EndpointSlice s : e.getValue().good().endpointSlices()) {
                put(out, from, s.ref(), s, e.getKey(), "EndpointSlice");
            }
        }
        return out;
    }

    private static <T> void put(Map<ObjectRef, T> out, Map<ObjectRef, Path> from, ObjectRef ref, T value,
                                Path file, String kind) {
        Path earlier = from.put(ref, file);
        if (earlier != null && !earlier.equals(file)) {
            LOG.warn("{} {} is defined in {} and {}; using {}", kind, ref, earlier, file, file);
        } else if (earlier != null) {
            LOG.warn("{} {} is defined twice in {}; using the last one", kind, ref, file);
        }
        out.put(ref, value);
    }

    /** Stops watching. Idempotent; waits (bounded) for the watch thread to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            t = thread;
            try {
                if (watcher != null) watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service: {}", e.toString());
            }
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests: how many rescans ran (the first read included). */
    long rescanCount() {
        return rescans.get();
    }
}
