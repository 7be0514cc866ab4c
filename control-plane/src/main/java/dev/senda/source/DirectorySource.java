package dev.senda.source;

import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Objects of the registered {@link Kinds} from the {@code *.yaml} / {@code *.yml} files of one
 * directory (not recursive; names starting with "." are skipped), for a node without a cluster and for
 * demos.
 *
 * <p>Rules: every file may hold several documents and lists ({@link YamlObjects}); other kinds are
 * skipped with a log line. A file is read as a stream, so its size costs the memory of its objects,
 * not of its text; a file above {@code maxFileBytes} ({@value #MAX_FILE_BYTES_FLAG}) is refused
 * unread. A file that is refused (too large, unreadable, unparsable) is logged with its path once per
 * distinct content, is listed by {@link #rejectedFiles()}, and keeps contributing the objects of its
 * last good version (an editor's half-written save must not take Services down). Removing a file
 * removes its objects. When two files define the same object, the file whose path sorts last wins
 * (logged).
 *
 * <p>Changes are seen through a {@link WatchService} on the directory (which also catches the
 * symlink swap of a mounted ConfigMap), with a full rescan every {@code rescanInterval} as a safety net
 * for events the platform drops. A rescan compares a digest of each file's bytes with the one it read
 * last time, so an idle directory costs a read and a hash per file and no parsing. Files are read in
 * parallel (one at a time per core); {@link #prepare} reads them all ahead of {@link #start}, whose
 * first rescan takes each result whose file still has the digest it was read with.
 *
 * <p>This source owns the whole content of its {@link ObjectStore} (it replaces it on every change).
 * {@link #hasSynced()} is true once {@link #start} returned when every file was read in that first
 * pass. A file that was not (an editor's half-written save, say) holds the sync back until it reads
 * or until a rescan at least {@link #SYNC_GRACE} after start: until then the agent prunes nothing, so
 * a restart during a save does not tear down that file's Services. After the grace such a file
 * contributes nothing, and {@link #rejectedFiles()} says so ({@link RejectedFile#lastGoodKept()} false).
 */
public final class DirectorySource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);

    /** The agent flag that sets {@code maxFileBytes}; named in refusal messages. */
    public static final String MAX_FILE_BYTES_FLAG = "--source-max-file-bytes";
    /**
     * Default bound on one file: a guard against mistakes (a log file named .yaml), far above a
     * {@code kubectl get -o yaml} dump of 10,000 Services with their EndpointSlices (about 20 MB).
     */
    public static final long DEFAULT_MAX_FILE_BYTES = 128L << 20;
    /** How long a file that failed to read at start may hold back {@link #hasSynced()}. */
    static final Duration SYNC_GRACE = Duration.ofSeconds(5);
    /** Default interval of the safety-net rescan. */
    public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(10);
    /** After a watch event, wait this long for the burst of events an editor's save makes. */
    private static final Duration SETTLE = Duration.ofMillis(50);
    /** Upper bound on settling, so a directory that never stops changing is still rescanned. */
    private static final int MAX_SETTLE_ROUNDS = 20;
    /** How many examples a summarizing log line names. */
    private static final int LOG_EXAMPLES = 3;

    private final Path directory;
    private final Duration rescanInterval;
    /** False only in tests, to prove the periodic rescan works on its own. */
    private final boolean watchEvents;
    private final List<Kind<?, ?>> kinds;
    private final YamlFileReader reader;
    private final AtomicLong rescans = new AtomicLong();
    private final Map<Path, FileState> files = new HashMap<>();

    private volatile boolean synced;
    /** Published after every rescan for health and metrics, which read it from their own threads. */
    private volatile List<RejectedFile> rejected = List.of();
    private long startedNanos;
    private volatile boolean closed;
    private ObjectStore store;
    private Runnable onChange;
    private WatchService watcher;
    private Thread thread;
    /** Started by {@link #prepare}; null when it was not called, and once taken or closed. */
    private CompletableFuture<Map<Path, YamlFileReader.Outcome>> prepared;
    private boolean prepareCalled;
    /** During the first rescan only: what {@link #prepare} read. Guarded by the monitor. */
    private Map<Path, YamlFileReader.Outcome> readAhead = Map.of();

    /**
     * What Senda last read from one file.
     *
     * @param key     identifies the content last seen (see {@link YamlFileReader})
     * @param good    the objects of the last version that parsed; null when none did
     * @param refusal why the content last seen gave no objects; null when it did
     */
    private record FileState(String key, YamlObjects.Parsed good, YamlFileReader.Refused refusal) {
    }

    public DirectorySource(Path directory) {
        this(directory, DEFAULT_RESCAN_INTERVAL);
    }

    /** @param rescanInterval how often to rescan without any watch event; at least 10 ms */
    public DirectorySource(Path directory, Duration rescanInterval) {
        this(directory, rescanInterval, DEFAULT_MAX_FILE_BYTES);
    }

    /** @param maxFileBytes files above this many bytes are refused; at least 1 */
    public DirectorySource(Path directory, Duration rescanInterval, long maxFileBytes) {
        this(directory, rescanInterval, maxFileBytes, true, Kinds.ALL);
    }

    DirectorySource(Path directory, Duration rescanInterval, long maxFileBytes, boolean watchEvents,
                    List<Kind<?, ?>> kinds) {
        this.watchEvents = watchEvents;
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.rescanInterval = Objects.requireNonNull(rescanInterval, "rescanInterval");
        if (rescanInterval.toMillis() < 10) throw new IllegalArgumentException("rescan interval too small: " + rescanInterval);
        this.kinds = Kinds.checked(kinds);
        this.reader = new YamlFileReader(maxFileBytes, MAX_FILE_BYTES_FLAG, this.kinds);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Reads and parses every file now, on threads of its own (the files in parallel), so that the
     * agent's datapath load meanwhile costs no time; {@link #start} re-reads each file's digest and
     * takes these results for every file whose content is still the same.
     */
    @Override
    public synchronized boolean prepare() {
        if (prepareCalled || store != null || closed) return false;
        prepareCalled = true;
        CompletableFuture<Map<Path, YamlFileReader.Outcome>> ahead = new CompletableFuture<>();
        prepared = ahead;
        Thread.ofPlatform().name("senda-dir-source-prepare").daemon().start(() -> {
            try {
                long t0 = System.nanoTime();
                TreeSet<Path> present = listFiles();
                ahead.complete(readAll(present, file -> reader.read(file, null)));
                LOG.info("{}: {} files read ahead in {} ms", directory, present.size(), (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException | RuntimeException | Error e) {
                ahead.completeExceptionally(e);
            }
        });
        return true;
    }

    /**
     * Reads the directory once (synchronously; with the results of {@link #prepare} where still
     * current), calls {@code onChange}, then watches for changes on a daemon thread.
     *
     * @throws IllegalArgumentException when the path is not a directory
     * @throws UncheckedIOException     when the directory cannot be watched
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
                // (Files read ahead by prepare() are checked against their digest in rescan.)
                watcher = directory.getFileSystem().newWatchService();
                if (watchEvents) register();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot watch " + directory, e);
            }
            readAhead = takePrepared();
            try {
                rescan();
            } finally {
                readAhead = Map.of();
            }
            startedNanos = System.nanoTime();
            synced = rejected.isEmpty();
            if (!synced) {
                LOG.warn("{}: {} file(s) could not be read; waiting up to {} s for them before objects missing "
                        + "from them may be removed", directory, rejected.size(), SYNC_GRACE.toSeconds());
            }
            LOG.info("read {}: {} from {} files", directory, describe(store), files.size());
            thread = Thread.ofPlatform().name("senda-dir-source").daemon().start(this::watchLoop);
        }
        // Always notify once: the sync loop may be waiting for hasSynced().
        notifyChange();
    }

    /** What {@link #prepare} read, once it is done; empty when it was not called or failed (then all is read now). */
    private Map<Path, YamlFileReader.Outcome> takePrepared() {
        CompletableFuture<Map<Path, YamlFileReader.Outcome>> ahead = prepared;
        if (ahead == null) return Map.of();
        prepared = null; // taken once: the outcomes must not outlive the first rescan
        try {
            return ahead.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            LOG.warn("{}: reading ahead failed ({}); reading the files now", directory, e.getCause());
            return Map.of();
        }
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
    public List<RejectedFile> rejectedFiles() {
        return rejected;
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
            if (!synced && (rejected.isEmpty() || System.nanoTime() - startedNanos >= SYNC_GRACE.toNanos())) {
                synced = true;
                changed = true;
                if (rejected.isEmpty()) {
                    LOG.info("{}: synced", directory);
                } else {
                    List<String> names = rejected.stream().map(r -> r.file().getFileName().toString()).toList();
                    LOG.warn("{}: synced without {} file(s) that still cannot be read: {}", directory,
                            names.size(), examples(names, names.size()));
                }
            }
        }
        if (changed) notifyChange();
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
        Map<Path, YamlFileReader.Outcome> outcomes = readAll(present, this::read);
        for (Path file : present) touched |= readFile(file, outcomes.get(file));
        publishRejections();
        if (!touched) return false;
        return store.replaceAll(merge());
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

    /**
     * Reads (and where changed parses) each file, the files in parallel on the common pool (so on as
     * many cores as there are); the reader is stateless.
     */
    private static Map<Path, YamlFileReader.Outcome> readAll(TreeSet<Path> files,
                                                             Function<Path, YamlFileReader.Outcome> read) {
        if (files.size() < 2) {
            Map<Path, YamlFileReader.Outcome> out = new HashMap<>();
            for (Path f : files) out.put(f, read.apply(f));
            return out;
        }
        return files.parallelStream().collect(Collectors.toMap(f -> f, read));
    }

    /**
     * One file's outcome against what was last seen of it; for a file read ahead by {@link #prepare},
     * that outcome when the file's digest is still the one read then. Thread-safe: called in
     * parallel while the caller holds the monitor and changes neither map.
     */
    private YamlFileReader.Outcome read(Path file) {
        FileState before = files.get(file);
        YamlFileReader.Outcome early = readAhead.get(file);
        if (before != null || early == null) return reader.read(file, before == null ? null : before.key());
        String key = switch (early) {
            case YamlFileReader.Read r -> r.key();
            case YamlFileReader.Refused r -> r.key();
            case YamlFileReader.Unchanged u -> null;
        };
        YamlFileReader.Outcome now = reader.read(file, key);
        return now instanceof YamlFileReader.Unchanged ? early : now;
    }

    /** @return true when the file's contribution may have changed */
    private boolean readFile(Path file, YamlFileReader.Outcome outcome) {
        FileState before = files.get(file);
        return switch (outcome) {
            case YamlFileReader.Unchanged u -> false;
            case YamlFileReader.Read read -> {
                YamlObjects.Parsed parsed = read.parsed();
                if (parsed.ignoredCount() > 0) {
                    LOG.info("{}: skipped {} document(s) of kinds Senda does not read, or without a name: {}", file,
                            parsed.ignoredCount(), examples(parsed.ignored(), parsed.ignoredCount()));
                }
                if (before != null && before.refusal() != null) LOG.info("{}: readable again", file);
                files.put(file, new FileState(read.key(), parsed, null));
                yield true;
            }
            case YamlFileReader.Refused refused -> {
                refuse(file, before, refused);
                yield false; // the contributed objects did not change
            }
        };
    }

    /** Records a refusal, keeping the previous good objects. Logs once per distinct content. */
    private void refuse(Path file, FileState before, YamlFileReader.Refused refused) {
        boolean again = before != null && before.refusal() != null && refused.key().equals(before.key());
        if (!again) {
            LOG.warn("{}: {}: {}; {}", file, refused.reason().label(), refused.detail(),
                    before == null || before.good() == null
                            ? "nothing is read from it" : "keeping the objects of its last good version");
        }
        files.put(file, new FileState(refused.key(), before == null ? null : before.good(), refused));
    }

    private void publishRejections() {
        List<RejectedFile> out = new ArrayList<>();
        for (Map.Entry<Path, FileState> e : new TreeMap<>(files).entrySet()) {
            YamlFileReader.Refused r = e.getValue().refusal();
            if (r != null) out.add(new RejectedFile(e.getKey(), r.reason(), r.detail(), e.getValue().good() != null));
        }
        rejected = List.copyOf(out);
    }

    /** Every file's good objects, every kind; for duplicates the file sorting last wins. */
    private Snapshot merge() {
        Snapshot.Builder out = Snapshot.builder();
        List<String> duplicates = new ArrayList<>();
        int duplicateCount = 0;
        for (Kind<?, ?> kind : kinds) duplicateCount += merge(kind, out, duplicates);
        if (duplicateCount > 0) {
            LOG.warn("{}: {} object(s) defined more than once; the file sorting last, and in it the last "
                    + "document, wins: {}", directory, duplicateCount, examples(duplicates, duplicateCount));
        }
        return out.build();
    }

    /** @return how many duplicates; the first few are described in {@code duplicates} */
    private <T> int merge(Kind<?, T> kind, Snapshot.Builder out, List<String> duplicates) {
        int count = 0;
        Map<ObjectRef, Path> from = new HashMap<>();
        for (Map.Entry<Path, FileState> e : new TreeMap<>(files).entrySet()) {
            YamlObjects.Parsed good = e.getValue().good();
            if (good == null) continue;
            Path file = e.getKey();
            for (T object : good.all(kind)) {
                ObjectRef ref = kind.refOf(object);
                Path earlier = from.put(ref, file);
                if (earlier != null && count++ < LOG_EXAMPLES) {
                    duplicates.add(kind.kind() + " " + ref + " in " + earlier.getFileName()
                            + (earlier.equals(file) ? " twice" : " and " + file.getFileName()));
                }
                out.put(kind, object);
            }
        }
        return count;
    }

    // Counted, not snapshot: a snapshot of 20,000 objects is a sorted copy, a tenth of a second at start.
    private String describe(ObjectStore store) {
        List<String> parts = new ArrayList<>();
        for (Kind<?, ?> k : kinds) parts.add(k.kind() + " " + store.count(k));
        return String.join(", ", parts);
    }

    /** The first few of {@code total} items: for one log line however many there are. */
    private static String examples(List<String> items, int total) {
        List<String> first = items.subList(0, Math.min(items.size(), LOG_EXAMPLES));
        return String.join("; ", first) + (total > first.size() ? "; and " + (total - first.size()) + " more" : "");
    }

    /** Stops watching. Idempotent; waits (bounded) for the watch thread to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            prepared = null; // what was read ahead (if still reading, dropped when done)
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

    /** For tests: what {@link #prepare} is reading; null when it was not called, once {@link #start} took it, or after close. */
    synchronized CompletableFuture<?> readAhead() {
        return prepared;
    }

    /** For tests: how many rescans ran (the first read included). */
    long rescanCount() {
        return rescans.get();
    }
}
