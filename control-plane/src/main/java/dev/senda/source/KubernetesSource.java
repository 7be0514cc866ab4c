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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every registered kind ({@link Kinds#ALL}), of all namespaces, from an API server through one fabric8
 * shared informer per kind (list + watch, relist on expiry, reconnect with backoff: all fabric8's).
 *
 * <p>Event handlers only convert the object and record it in the {@link ObjectStore}, then call
 * {@code onChange} when the store actually changed.
 *
 * <p>Sync: fabric8 reports an informer synced once its own cache holds the initial list, but hands
 * the events to handlers asynchronously, so at that moment the {@link ObjectStore} may still lag.
 * When every informer has synced, this source therefore copies every informer cache into the store
 * once ("priming"), and only then reports {@link #hasSynced()}. Priming and handlers write under one
 * lock, so a handler's later event always lands after the primed copy and nothing stays stale.
 */
public final class KubernetesSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final List<Kind<?, ?>> kinds;
    private final Object lock = new Object();

    /** One per kind, in the order of {@link #kinds}; set by {@link #start}. */
    private final List<KindWatch<?, ?>> watches = new ArrayList<>();
    private ObjectStore store;
    private Runnable onChange;
    private volatile boolean synced;
    private volatile boolean closed;

    /** Uses {@code client} without taking ownership: {@link #close()} leaves it open. */
    public KubernetesSource(KubernetesClient client) {
        this(client, false, Kinds.ALL);
    }

    /** For tests: watches {@code kinds} instead of {@link Kinds#ALL}. */
    KubernetesSource(KubernetesClient client, List<Kind<?, ?>> kinds) {
        this(client, false, kinds);
    }

    private KubernetesSource(KubernetesClient client, boolean ownsClient, List<Kind<?, ?>> kinds) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.kinds = Kinds.checked(kinds);
    }

    /**
     * A source with its own client: from the kubeconfig file when {@code kubeconfig} is non-null,
     * otherwise fabric8's automatic configuration (in a pod: the service account token and
     * KUBERNETES_SERVICE_HOST/PORT; elsewhere KUBECONFIG or ~/.kube/config).
     *
     * @throws IllegalArgumentException when the kubeconfig file does not exist or is unreadable
     */
    public static KubernetesSource connect(Path kubeconfig) {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not exist or is not readable");
            }
            config = readKubeconfig(kubeconfig);
        } else {
            config = Config.autoConfigure(null);
        }
        // The JDK HTTP client, chosen explicitly: with several factories on the class path fabric8
        // would pick one at random, and this one needs no extra event-loop threads.
        return new KubernetesSource(new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory()).build(), true, Kinds.ALL);
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

    @Override
    public void start(ObjectStore store, Runnable onChange) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lock) {
            if (this.store != null) throw new IllegalStateException("already started");
            if (closed) throw new IllegalStateException("closed");
            this.store = store;
            this.onChange = onChange;
            for (Kind<?, ?> kind : kinds) watches.add(new KindWatch<>(kind));
        }
        LOG.info("watching {} at {}", kinds, client.getMasterUrl());
        for (KindWatch<?, ?> w : watches) w.start();
    }

    private boolean retryAfter(boolean wasStarted, Throwable failure) {
        if (closed) return false;
        // fabric8 logs the failure itself (with the resource); this line only adds our decision.
        LOG.debug("list/watch failed ({}), retrying: {}", wasStarted ? "after the initial sync" : "initial sync",
                failure.toString());
        return true;
    }

    @Override
    public boolean hasSynced() {
        if (!synced) primeIfSynced();
        return synced;
    }

    /**
     * The API objects of every kind as the informers' caches hold them now, for the agent's snapshot of
     * its inputs ({@link dev.senda.source.snapshot.SnapshotStore}); empty until {@link #hasSynced()}.
     * After {@link #close()}, what the caches held when the informers stopped (the agent writes its last
     * snapshot after closing the source, so no event can arrive meanwhile). They are the caches' own
     * objects: callers must not modify them.
     */
    public java.util.Optional<List<HasMetadata>> cachedObjects() {
        synchronized (lock) {
            if (!synced) return java.util.Optional.empty();
            List<HasMetadata> all = new ArrayList<>();
            for (KindWatch<?, ?> w : watches) all.addAll(w.informer.getStore().list());
            return java.util.Optional.of(all);
        }
    }

    /** For tests: every informer has an open watch (so closing now does not race a watch being set up). */
    boolean watching() {
        synchronized (lock) {
            return !watches.isEmpty() && watches.stream().allMatch(w -> w.informer.isWatching());
        }
    }

    /** Copies every informer cache into the store once all synced; see the class comment. */
    private void primeIfSynced() {
        StringJoiner counts = new StringJoiner(", ");
        synchronized (lock) {
            if (synced || closed || watches.isEmpty()) return;
            for (KindWatch<?, ?> w : watches) {
                if (!w.informer.hasSynced()) return;
            }
            for (KindWatch<?, ?> w : watches) counts.add(w.kind.kind() + " " + w.prime());
            synced = true;
        }
        LOG.info("initial sync complete: {}", counts);
        // Always notify, changed or not: the sync loop may be waiting for hasSynced() to turn true.
        notifyChange(true);
    }

    private void notifyChange(boolean changed) {
        if (!changed || closed) return;
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("onChange callback failed", e);
        }
    }

    private static String describe(HasMetadata o) {
        if (o.getMetadata() == null) return "?";
        String ns = o.getMetadata().getNamespace();
        return (ns == null || ns.isEmpty() ? "" : ns + "/") + o.getMetadata().getName();
    }

    @Override
    public String describe() {
        return "kubernetes " + client.getMasterUrl();
    }

    @Override
    public void close() {
        List<KindWatch<?, ?>> toClose;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            toClose = List.copyOf(watches);
        }
        for (KindWatch<?, ?> w : toClose) w.informer.close();
        // Let in-flight list/watch requests wind down before the client goes (bounded): otherwise
        // fabric8 logs "Client already closed" errors for requests that are being cancelled anyway.
        for (KindWatch<?, ?> w : toClose) w.awaitStopped();
        if (ownsClient) client.close();
    }

    /** One kind's informer and its event handler; never throws into fabric8. */
    private final class KindWatch<F extends HasMetadata, T> implements ResourceEventHandler<F> {
        private final Kind<F, T> kind;
        private final SharedIndexInformer<F> informer;

        /** Creates the informer (not started yet). Called under {@link #lock}. */
        KindWatch(Kind<F, T> kind) {
            this.kind = kind;
            MixedOperation<F, KubernetesResourceList<F>, Resource<F>> resources = client.resources(kind.apiType());
            Informable<F> scope = kind.namespaced() ? resources.inAnyNamespace() : resources;
            // Resync period 0: the sync runner does its own periodic full resync from the store.
            informer = scope.runnableInformer(0);
            // fabric8's default gives up for good when the first list fails (API server not up yet,
            // RBAC not applied yet): a node agent must keep trying instead, with fabric8's backoff.
            informer.exceptionHandler(KubernetesSource.this::retryAfter);
            informer.addEventHandler(this);
        }

        void start() {
            informer.start().whenComplete((v, failure) -> {
                if (closed) return; // stopping fails the start future: nothing to report
                if (failure != null) {
                    // fabric8 keeps retrying the list; hasSynced() primes once it succeeds.
                    LOG.warn("{} informer did not sync yet: {}", kind, failure.toString());
                    return;
                }
                LOG.info("{} informer synced", kind);
                primeIfSynced();
            });
        }

        /** Copies the informer's cache into the store. Called under {@link #lock}. @return objects seen */
        int prime() {
            int n = 0;
            for (F object : informer.getStore().list()) {
                record(object);
                n++;
            }
            return n;
        }

        /** @return true when the store changed */
        private boolean record(F object) {
            try {
                T model = kind.convert(object);
                return model != null && store.put(kind, model);
            } catch (RuntimeException e) {
                // Converters do not throw on content; this guards against a bug taking the informer down.
                LOG.error("could not record {} {}", kind, describe(object), e);
                return false;
            }
        }

        @Override
        public void onAdd(F obj) {
            upsert(obj);
        }

        @Override
        public void onUpdate(F oldObj, F newObj) {
            upsert(newObj);
        }

        @Override
        public void onDelete(F obj, boolean deletedFinalStateUnknown) {
            boolean changed;
            synchronized (lock) {
                if (closed) return;
                try {
                    T model = kind.convert(obj);
                    changed = model != null && store.remove(kind, kind.refOf(model));
                } catch (RuntimeException e) {
                    LOG.error("could not forget {} {}", kind, describe(obj), e);
                    return;
                }
            }
            if (LOG.isDebugEnabled()) LOG.debug("{} {} deleted", kind, describe(obj));
            notifyChange(changed);
        }

        @Override
        public void onNothing() {
            // Initial list (or relist) was empty: no add event will come to trigger priming.
            primeIfSynced();
        }

        private void upsert(F obj) {
            boolean changed;
            synchronized (lock) {
                if (closed) return;
                changed = record(obj);
            }
            if (LOG.isDebugEnabled()) LOG.debug("{} {} recorded (changed={})", kind, describe(obj), changed);
            notifyChange(changed);
            if (!synced) primeIfSynced();
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
}
