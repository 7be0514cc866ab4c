package dev.senda.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.snapshot.ObjectJson;
import dev.senda.source.snapshot.SnapshotContent;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Every registered kind ({@link Kinds#ALL}), of all namespaces, from an API server through one fabric8
 * shared informer per kind (list + watch, relist on 410 Gone, reconnect with backoff: all fabric8's,
 * with the retry ceiling of {@link ApiWatchSettings#tune}).
 *
 * <p>Event handlers only convert the object and record it in the {@link ObjectStore}, then call
 * {@code onChange} when the store actually changed.
 *
 * <p>Sync: fabric8 reports an informer synced once its own cache holds the initial list, but hands
 * the events to handlers asynchronously, so at that moment the {@link ObjectStore} may still lag.
 * When every informer has synced, this source therefore copies every informer cache into the store
 * once ("priming": each kind's objects replaced by the list), and only then reports
 * {@link #hasSynced()}. Priming and handlers hold one lock, and a handler decides under it: before
 * priming it records nothing (fabric8 updated its cache before calling, so the copy still to come holds
 * what the event carried; recording it too would store every object of an initial list twice), after
 * priming it records the event, which then always lands after the primed copy: nothing stays stale.
 *
 * <p>Early lists: {@link #prepare()} starts the informers before the store exists (the agent calls it
 * before loading its datapath, so the lists overlap the kernel's work); {@link #start} primes.
 *
 * <p>Outages never empty the store: a list or watch that fails changes nothing, and fabric8 applies a
 * relist (after 410 Gone, or after a failed watch) only once the whole list has arrived, removing only
 * what that complete list lacks. So during an outage the agent keeps programming the last state it had.
 *
 * <p>Dead connections: a watch on a TCP connection that was dropped without a RST stays open forever,
 * and fabric8's own reconnects would reuse the dead connection. A watchdog thread therefore probes the
 * API server after {@link ApiWatchSettings#idleTimeout()} without any event; without an answer it logs
 * once, closes the client with all its connections, and starts a new "connection" (client and
 * informers, a new generation) that lists everything afresh. Events of an older generation are
 * ignored; the new one is primed like the first, so whatever was deleted meanwhile goes and nothing
 * that still exists is removed. {@link #health()} tells whether the watch is current and since when
 * it last was.
 */
public final class KubernetesSource implements Source {
    /**
     * Objects per page of an informer's list. Half of client-go's 500: a page is read whole, and its trees
     * live until every object of it is in the cache, so 500 EndpointSlices outlived the agent's young
     * generation (16 MB) and were copied into the old one. At 10,000 Services from the mock API server,
     * 250 cut the start's young-collection pauses from 1.6-1.8 s to 1.3-1.4 s and the resident memory at
     * {@code /healthz} 200 from 341-359 to 308-317 MiB, the time to programmed within the noise (three
     * alternating runs each); 100 cut both further but took 40 % longer, in round trips.
     */
    static final long LIST_PAGE_SIZE = 250;

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

    /** Makes the clients of later generations (the first may be the caller's). */
    private final Supplier<KubernetesClient> newClient;
    private final ApiWatchSettings settings;
    private final List<Kind<?, ?>> kinds;
    private final Object lock = new Object();
    private final String masterUrl;

    /** The current client and its informers; replaced (under {@link #lock}) by the watchdog. */
    private volatile Connection current;
    private ObjectStore store;
    private Runnable onChange;
    private Thread watchdog;
    private volatile boolean synced;
    private volatile boolean closed;
    /** The first connection's informers were started (by {@link #prepare} or {@link #start}). */
    private boolean watchesStarted;

    /** System.nanoTime() of the last event or probe answer; set at every new connection too. */
    private volatile long lastHeardNanos = System.nanoTime();
    /** The last moment every watch was open and heard from (or probed); null before the first sync. */
    private volatile Instant lastGood;
    /** Since when (nanoTime) the API server does not serve; 0 while it does. Written by the watchdog. */
    private volatile long outageSinceNanos;
    private volatile String outageReason = "";
    /** During an outage: a good probe answer came and a new connection is listing (watchdog thread). */
    private volatile boolean relistPending;
    private long lastReconnectNanos;
    private int reconnects;

    /** Uses {@code client} without taking ownership: {@link #close()} leaves it open. */
    public KubernetesSource(KubernetesClient client) {
        this(client, Kinds.ALL, ApiWatchSettings.defaults());
    }

    /** For tests: watches {@code kinds} instead of {@link Kinds#ALL}. */
    KubernetesSource(KubernetesClient client, List<Kind<?, ?>> kinds) {
        this(client, kinds, ApiWatchSettings.defaults());
    }

    /**
     * Uses {@code client} (not owned) for the first connection; later ones, after a dead connection, get
     * clients of their own built from its configuration.
     */
    public KubernetesSource(KubernetesClient client, List<Kind<?, ?>> kinds, ApiWatchSettings settings) {
        Objects.requireNonNull(client, "client");
        Config config = client.getConfiguration();
        this.newClient = () -> build(config);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kinds = Kinds.checked(kinds);
        this.masterUrl = String.valueOf(client.getMasterUrl());
        this.current = new Connection(0, client, false);
    }

    private KubernetesSource(Config config, List<Kind<?, ?>> kinds, ApiWatchSettings settings) {
        ApiWatchSettings.tune(config);
        this.newClient = () -> build(config);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kinds = Kinds.checked(kinds);
        this.masterUrl = config.getMasterUrl();
        this.current = new Connection(0, newClient.get(), true);
    }

    private static KubernetesClient build(Config config) {
        // The JDK HTTP client, chosen explicitly: with several factories on the class path fabric8
        // would pick one at random, and this one needs no extra event-loop threads.
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    /** As {@link #connect(Path, ApiWatchSettings)} with the default settings. */
    public static KubernetesSource connect(Path kubeconfig) {
        return connect(kubeconfig, ApiWatchSettings.defaults());
    }

    /**
     * A source with its own client: from the kubeconfig file when {@code kubeconfig} is non-null,
     * otherwise fabric8's automatic configuration (in a pod: the service account token and
     * KUBERNETES_SERVICE_HOST/PORT; elsewhere KUBECONFIG or ~/.kube/config).
     *
     * @throws IllegalArgumentException when the kubeconfig file does not exist or is unreadable
     */
    public static KubernetesSource connect(Path kubeconfig, ApiWatchSettings settings) {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not exist or is not readable");
            }
            config = readKubeconfig(kubeconfig);
        } else {
            config = Config.autoConfigure(null);
        }
        return new KubernetesSource(config, Kinds.ALL, settings);
    }

    /**
     * Reads a kubeconfig file without contacting any server (the agent's start checks call it before
     * anything is loaded).
     *
     * @throws IllegalArgumentException when it does not parse or names no server
     */
    public static Config readKubeconfig(Path kubeconfig) {
        Config config;
        try {
            config = Config.fromKubeconfig(kubeconfig.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a kubeconfig: " + firstLine(e), e);
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new IllegalArgumentException("the kubeconfig names no server");
        }
        return config;
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = String.valueOf(root.getMessage());
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /**
     * Starts the informers' lists now, before the agent loads its datapath: listing 10,000s of objects
     * from the API server takes seconds, which then overlap the kernel's feature probes and verifier.
     * Until {@link #start} gives the store, the informers only fill their own caches; {@code start}
     * primes the store from them (at once when they have all synced by then).
     */
    @Override
    public boolean prepare() {
        Connection first;
        synchronized (lock) {
            if (watchesStarted || closed) return false;
            watchesStarted = true;
            first = current;
            first.createWatches();
        }
        startFirstWatches(first);
        return true;
    }

    @Override
    public void start(ObjectStore store, Runnable onChange) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(onChange, "onChange");
        Connection first = null;
        synchronized (lock) {
            if (this.store != null) throw new IllegalStateException("already started");
            if (closed) throw new IllegalStateException("closed");
            this.store = store;
            this.onChange = onChange;
            if (!watchesStarted) {
                watchesStarted = true;
                first = current;
                first.createWatches();
            }
            watchdog = Thread.ofPlatform().name("senda-api-watchdog").daemon(true).unstarted(this::watchdogLoop);
        }
        if (first != null) startFirstWatches(first);
        watchdog.start();
        primeIfSynced(); // prepared informers may have synced before there was a store to prime
    }

    private void startFirstWatches(Connection first) {
        if (closed) return; // closed while starting: nothing to watch for
        LOG.info("watching {} at {}; a watch silent for {} is probed ({})", kinds, masterUrl,
                ApiWatchSettings.format(settings.idleTimeout()), ApiWatchSettings.FLAG);
        lastHeardNanos = System.nanoTime();
        first.startWatches();
    }

    private boolean retryAfter(boolean wasStarted, Throwable failure) {
        // Always "retry", also after close(): the informers are stopped and their client closed then, so a
        // list still in flight fails (the client's executor refuses it). "Retry" keeps fabric8 quiet (its
        // retry line is below the level LogSetup gives it) and a stopped informer reconnects no more; "stop"
        // would have it log an ERROR with a stack trace per kind for a close the agent asked for (a rejected
        // datapath, a shutdown). fabric8 logs the failure itself; this line only adds our decision.
        if (!closed) {
            LOG.debug("list/watch failed ({}), retrying: {}", wasStarted ? "after the initial sync" : "initial sync",
                    failure.toString());
        }
        return true;
    }

    @Override
    public boolean hasSynced() {
        if (!synced) primeIfSynced();
        return synced;
    }

    /**
     * The API objects of every kind as the informers' caches hold them now, as
     * {@link dev.senda.source.snapshot.SnapshotContent#objectJson} made them (kept compressed), for the
     * agent's snapshot of its inputs ({@link dev.senda.source.snapshot.SnapshotStore#writeJson}). Empty
     * until {@link #hasSynced()} and while a new connection has not primed; an object whose handler has
     * not run yet is there as its previous version, or left out when new ({@link CompactItemStore#json}).
     * After {@link #close()}, what the caches held when the informers
     * stopped (the agent writes its last snapshot after closing the source, so no event can arrive
     * meanwhile).
     */
    public Optional<List<ObjectJson>> cachedObjectJson() {
        synchronized (lock) {
            // not while a new connection lists (its caches fill page by page) and before it primed
            if (!synced || !current.primed) return Optional.empty();
            List<ObjectJson> all = new ArrayList<>();
            for (KindWatch<?, ?> w : current.watches) all.addAll(w.items.json());
            return Optional.of(all);
        }
    }

    /** For tests: every informer has an open watch (so closing now does not race a watch being set up). */
    boolean watching() {
        synchronized (lock) {
            return current.primed && current.allWatching();
        }
    }

    /** For tests: every informer of the current connection holds its complete list (primed or not). */
    boolean informersSynced() {
        synchronized (lock) {
            return !current.watches.isEmpty() && current.watches.stream().allMatch(w -> w.informer.hasSynced());
        }
    }

    /** For tests: how many times a dead connection was replaced. */
    int reconnects() {
        synchronized (lock) {
            return reconnects;
        }
    }

    @Override
    public SourceHealth health() {
        Optional<Instant> good = Optional.ofNullable(lastGood);
        if (!synced) return new SourceHealth(false, good, "initial list not complete");
        if (outageSinceNanos != 0) return new SourceHealth(false, good, outageReason);
        long silent = System.nanoTime() - lastHeardNanos;
        // Silence is fine until the watchdog's probe has had its chance to speak.
        if (silent > settings.idleTimeout().plus(settings.probeTimeout()).plus(settings.tick()).toNanos()) {
            return new SourceHealth(false, good, "nothing from the API server for "
                    + ApiWatchSettings.format(Duration.ofNanos(silent)));
        }
        return new SourceHealth(true, good, "watching");
    }

    /** Copies every informer cache of the current connection into the store once all synced; see the class comment. */
    private void primeIfSynced() {
        StringJoiner counts = new StringJoiner(", ");
        boolean wasDead;
        int generation;
        synchronized (lock) {
            Connection c = current;
            if (c.primed || closed || c.watches.isEmpty() || store == null) return;
            for (KindWatch<?, ?> w : c.watches) {
                if (!w.informer.hasSynced()) return;
            }
            Snapshot.Builder listed = Snapshot.builder();
            for (KindWatch<?, ?> w : c.watches) counts.add(w.kind.kind() + " " + w.listInto(listed));
            store.replaceKinds(listed.build(), kinds);
            c.primed = true;
            synced = true;
            lastGood = Instant.now(); // the store now holds a complete list
            generation = c.generation;
            wasDead = outageSinceNanos != 0;
        }
        heard();
        if (generation == 0) {
            LOG.info("initial sync complete: {}", counts);
        } else if (wasDead) {
            LOG.info("API server back: listed afresh {} after the outage began ({} reconnect(s)): {}",
                    ApiWatchSettings.format(Duration.ofNanos(System.nanoTime() - outageSinceNanos)), reconnects, counts);
        } else {
            LOG.info("listed afresh on a new connection: {}", counts);
        }
        outageSinceNanos = 0;
        // Always notify, changed or not: the sync loop may be waiting for hasSynced() to turn true.
        notifyChange(true);
    }

    /** An event of the current connection came: its watch is alive, and the store current once primed. */
    private void heard() {
        lastHeardNanos = System.nanoTime();
        if (current.primed && outageSinceNanos == 0) lastGood = Instant.now();
    }

    private void notifyChange(boolean changed) {
        if (!changed || closed) return;
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("onChange callback failed", e);
        }
    }

    /** Looks every tick whether the watch has been silent too long, and probes it; bounded by close(). */
    private void watchdogLoop() {
        long tick = settings.tick().toNanos();
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(tick));
            } catch (InterruptedException e) {
                return; // close()
            }
            try {
                checkOnce();
            } catch (RuntimeException e) {
                LOG.warn("API watchdog check failed: {}", e.toString());
            }
        }
    }

    /** What a probe found. */
    private enum Answer { OK, ERROR_STATUS, NONE }

    /** One probe's outcome; {@code detail} for logs. */
    private record ProbeResult(Answer answer, String detail) {
    }

    /** The probe in flight, if any (watchdog thread only). */
    private CompletableFuture<ProbeResult> probe;
    private long probeSentNanos;
    private Instant probeSentAt;

    /**
     * One look: a silent watch is probed (during an outage, every tick, so the API server's return is
     * seen within a tick); a probe without answer replaces the connection, one with an error status
     * marks an outage, and the first good answer after an outage replaces the connection too, so that
     * everything is listed afresh rather than trusting watches resumed across the outage.
     */
    private void checkOnce() {
        // Before the initial list, fabric8 retries on its own and nothing is programmed from the source yet.
        if (!synced) return;
        if (probe != null) {
            if (!probe.isDone()) return; // its own timeout completes it
            ProbeResult result = probe.getNow(new ProbeResult(Answer.NONE, "probe did not complete"));
            probe = null;
            switch (result.answer()) {
                case OK -> {
                    lastHeardNanos = Math.max(lastHeardNanos, probeSentNanos);
                    if (outageSinceNanos == 0) {
                        if (current.primed) lastGood = probeSentAt;
                    } else if (!relistPending) {
                        relistPending = true;
                        LOG.info("API server answers again ({}); listing afresh", result.detail());
                        reconnect();
                    }
                }
                case ERROR_STATUS -> {
                    lastHeardNanos = Math.max(lastHeardNanos, probeSentNanos);
                    outage("the API server answers " + result.detail(), false);
                }
                case NONE -> outage("no answer to a probe: " + result.detail(), true);
            }
            return;
        }
        long now = System.nanoTime();
        boolean inOutage = outageSinceNanos != 0;
        if (inOutage && relistPending) {
            if (now - lastReconnectNanos < settings.idleTimeout().toNanos()) return; // the new connection lists
            relistPending = false; // it did not get through: probe again
        }
        if (inOutage || now - lastHeardNanos >= settings.idleTimeout().toNanos()) startProbe();
    }

    /** GET /version with a bound. */
    private void startProbe() {
        KubernetesClient client;
        synchronized (lock) {
            client = current.client;
        }
        probeSentNanos = System.nanoTime();
        probeSentAt = Instant.now();
        Duration timeout = settings.probeTimeout();
        CompletableFuture<ProbeResult> outcome;
        try {
            HttpClient http = client.getHttpClient();
            HttpRequest request = http.newHttpRequestBuilder().uri(URI.create(versionUrl(client)))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
            outcome = http.sendAsync(request, String.class).handle((response, failure) -> {
                if (failure != null) return new ProbeResult(Answer.NONE, firstLine(failure));
                // 401/403/404 still prove a serving API server on a live connection; 5xx and 429 do not serve.
                int code = response.code();
                return new ProbeResult(code >= 500 || code == 429 ? Answer.ERROR_STATUS : Answer.OK, "HTTP " + code);
            });
        } catch (RuntimeException e) {
            outcome = CompletableFuture.completedFuture(new ProbeResult(Answer.NONE, firstLine(e)));
        }
        probe = outcome.completeOnTimeout(new ProbeResult(Answer.NONE, "none within " + ApiWatchSettings.format(timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String versionUrl(KubernetesClient client) {
        String base = String.valueOf(client.getMasterUrl());
        return (base.endsWith("/") ? base : base + "/") + "version";
    }

    /**
     * The API server does not serve: log once per outage; with {@code reconnect} (no answer at all: the
     * connection may be dead, and a new one is the only way out) drop the client with all its
     * connections and start a new connection that lists everything afresh.
     */
    private void outage(String why, boolean reconnect) {
        long now = System.nanoTime();
        relistPending = false;
        if (outageSinceNanos == 0) {
            outageSinceNanos = now;
            Instant good = lastGood;
            LOG.warn("API watch lost: nothing from {} for {}, {}; forwarding the last state (last good sync {}), "
                            + "probing every {} and listing afresh once it answers", masterUrl,
                    ApiWatchSettings.format(Duration.ofNanos(now - lastHeardNanos)), why,
                    good == null ? "never" : ApiWatchSettings.format(Duration.between(good, Instant.now())) + " ago",
                    ApiWatchSettings.format(settings.tick()));
        } else if (!why.equals(outageReason)) {
            LOG.debug("API server still away: {}", why);
        }
        outageReason = why;
        if (reconnect && now - lastReconnectNanos >= settings.idleTimeout().toNanos()) reconnect();
    }

    /** Replaces the current connection by a new one with a new client; the old one is closed in the background. */
    private void reconnect() {
        Connection old;
        Connection next;
        synchronized (lock) {
            if (closed) return;
            old = current;
            next = new Connection(old.generation + 1, newClient.get(), true);
            next.createWatches();
            current = next;
            reconnects++;
        }
        lastReconnectNanos = System.nanoTime();
        // Closing waits for in-flight requests, which may hang on the dead connection: not on this thread.
        Thread.ofVirtual().name("senda-api-close-" + old.generation).start(old::close);
        next.startWatches();
    }

    /** The ref the kind's model of {@code o} has: namespace/name, namespace "" for cluster-scoped kinds. */
    private static ObjectRef refOf(Kind<?, ?> kind, HasMetadata o) {
        ObjectMeta meta = o.getMetadata();
        if (meta == null) return new ObjectRef("", "");
        return new ObjectRef(kind.namespaced() ? meta.getNamespace() : "", meta.getName());
    }

    private static String describe(HasMetadata o) {
        if (o.getMetadata() == null) return "?";
        String ns = o.getMetadata().getNamespace();
        return (ns == null || ns.isEmpty() ? "" : ns + "/") + o.getMetadata().getName();
    }

    @Override
    public String describe() {
        return "kubernetes " + masterUrl;
    }

    @Override
    public void close() {
        Connection toClose;
        Thread dog;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            toClose = current;
            dog = watchdog;
        }
        if (dog != null) {
            dog.interrupt();
            try {
                dog.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        toClose.close();
    }

    /** One client and its informers, one per kind: a generation of the source's link to the API server. */
    private final class Connection {
        final int generation;
        final KubernetesClient client;
        final boolean ownsClient;
        /** One per kind, in the order of {@link #kinds}; set by {@link #createWatches}. */
        final List<KindWatch<?, ?>> watches = new ArrayList<>();
        /** Its informer caches have been copied into the store. Written under {@link #lock}. */
        volatile boolean primed;

        Connection(int generation, KubernetesClient client, boolean ownsClient) {
            this.generation = generation;
            this.client = client;
            this.ownsClient = ownsClient;
        }

        /** Called under {@link #lock}. */
        void createWatches() {
            for (Kind<?, ?> kind : kinds) watches.add(watch(kind));
        }

        private <T> KindWatch<?, T> watch(Kind<?, T> kind) {
            return watch(kind, ApiBinding.of(kind));
        }

        private <W extends HasMetadata, T> KindWatch<W, T> watch(Kind<?, T> kind, ApiBinding<W, T> binding) {
            return new KindWatch<>(this, kind, binding);
        }

        void startWatches() {
            for (KindWatch<?, ?> w : watches) w.start();
        }

        boolean allWatching() {
            try {
                return !watches.isEmpty() && watches.stream().allMatch(w -> w.informer.isWatching());
            } catch (RuntimeException e) {
                return false; // fabric8 7.5 throws when asked between a watch's end and the next one
            }
        }

        /** Stops the informers and, when owned, the client with its connections. */
        void close() {
            for (KindWatch<?, ?> w : watches) w.informer.close();
            // Each informer's stop (bounded) before the client goes. A list still in flight then fails
            // against the closed client, which retryAfter answers without a log line above DEBUG.
            for (KindWatch<?, ?> w : watches) w.awaitStopped();
            // fabric8 does not close the JDK client's connections; they go when the client is collected.
            if (ownsClient) client.close();
        }
    }

    /**
     * One kind's informer, its cache and its event handler; never throws into fabric8. The cache is a
     * {@link CompactItemStore}: it converts each object once as fabric8 stores it, and the handler and
     * priming take that model from it rather than converting again. What the informer reads objects
     * into, and how they become models and snapshot JSON, is the kind's {@link ApiBinding}.
     *
     * @param <W> what the informer reads objects into ({@link ApiBinding#wireType()})
     * @param <T> the model type
     */
    private final class KindWatch<W extends HasMetadata, T> implements ResourceEventHandler<W> {
        private final Connection connection;
        private final Kind<?, T> kind;
        private final ApiBinding<W, T> binding;
        private final SharedIndexInformer<W> informer;
        private final CompactItemStore<W, T> items;

        /** Creates the informer (not started yet). Called under {@link #lock}. */
        KindWatch(Connection connection, Kind<?, T> kind, ApiBinding<W, T> binding) {
            this.connection = connection;
            this.kind = kind;
            this.binding = binding;
            MixedOperation<W, KubernetesResourceList<W>, Resource<W>> resources = connection.client.resources(binding.wireType());
            Informable<W> scope = kind.namespaced() ? resources.inAnyNamespace() : resources;
            // Lists come in pages, as client-go's reflector asks for them: a page at a time in memory, not
            // one response of every object of the kind (tens of megabytes at 10,000 Services). Resync
            // period 0: the sync runner does its own periodic full resync from the store.
            informer = scope.withLimit(LIST_PAGE_SIZE).runnableInformer(0);
            items = new CompactItemStore<>(binding.wireType(), this::convert, binding.json(), new PackedJson());
            informer.itemStore(items);
            // nothing looks objects up by namespace: the index would only cost memory (a key set per namespace)
            informer.removeIndexer(Cache.NAMESPACE_INDEX);
            // fabric8's default gives up for good when the first list fails (API server not up yet,
            // RBAC not applied yet): a node agent must keep trying instead, with fabric8's backoff.
            informer.exceptionHandler(KubernetesSource.this::retryAfter);
            informer.addEventHandler(this);
        }

        void start() {
            informer.start().whenComplete((v, failure) -> {
                if (closed || connection != currentConnection()) return; // stopping fails the start future
                if (failure != null) {
                    // fabric8 keeps retrying the list; hasSynced() primes once it succeeds.
                    LOG.warn("{} informer did not sync yet: {}", kind, failure.toString());
                    return;
                }
                LOG.debug("{} informer synced", kind);
                primeIfSynced();
            });
        }

        /** Adds the informer's cache to {@code listed}. Called under {@link #lock}. @return objects seen */
        int listInto(Snapshot.Builder listed) {
            List<T> models = items.models();
            listed.putAll(kind, models);
            return items.size();
        }

        private T convert(W object) {
            try {
                return binding.model().apply(object);
            } catch (RuntimeException e) {
                // Converters do not throw on content; this guards against a bug taking the informer down.
                LOG.error("could not record {} {}", kind, describe(object), e);
                return null;
            }
        }

        /** @return true when the store changed */
        private boolean record(W object) {
            T model = items.modelOf(object);
            return model != null && store.put(kind, model);
        }

        /** Whether this informer's events still count; called under {@link #lock}. */
        private boolean live() {
            return !closed && connection == current;
        }

        @Override
        public void onAdd(W obj) {
            upsert(obj);
        }

        @Override
        public void onUpdate(W oldObj, W newObj) {
            upsert(newObj);
        }

        @Override
        public void onDelete(W obj, boolean deletedFinalStateUnknown) {
            boolean primed;
            boolean changed = false;
            synchronized (lock) {
                if (!live()) return;
                // Decided under the lock priming holds while it copies: not primed yet means the copy is
                // still to come, and fabric8 removed the object from its cache before this call.
                primed = connection.primed;
                if (primed) {
                    try {
                        // by metadata, not by converting: after a relist fabric8 hands over the cache's stub
                        changed = store.remove(kind, refOf(kind, obj));
                    } catch (RuntimeException e) {
                        LOG.error("could not forget {} {}", kind, describe(obj), e);
                        return;
                    }
                }
            }
            if (!primed) {
                primeIfSynced();
                return;
            }
            heard();
            if (LOG.isDebugEnabled()) LOG.debug("{} {} deleted", kind, describe(obj));
            notifyChange(changed);
        }

        @Override
        public void onNothing() {
            // Initial list (or relist) was empty: no add event will come to trigger priming.
            if (connection != currentConnection()) return;
            heard();
            primeIfSynced();
        }

        private void upsert(W obj) {
            items.attachJson(obj); // outside the lock: the sync thread reads the store meanwhile
            boolean primed;
            boolean changed = false;
            synchronized (lock) {
                if (!live()) return;
                // The priming copy of the informer cache, still to come when not primed yet (decided under
                // the lock priming holds while it copies), will hold this object: fabric8 cached it before
                // this call. Recording it now too would store each object of an initial list twice.
                primed = connection.primed;
                if (primed) changed = record(obj);
            }
            if (!primed) {
                primeIfSynced();
                return;
            }
            heard();
            if (LOG.isDebugEnabled()) LOG.debug("{} {} recorded (changed={})", kind, describe(obj), changed);
            notifyChange(changed);
        }

        void awaitStopped() {
            try {
                informer.stopped().toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException ex) {
                LOG.debug("informer for {} did not report stopped: {}", kind, ex.toString());
            }
        }
    }

    private Connection currentConnection() {
        synchronized (lock) {
            return current;
        }
    }
}
