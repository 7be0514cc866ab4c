package dev.senda.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Services and discovery.k8s.io/v1 EndpointSlices of all namespaces, from an API server through
 * fabric8 shared informers (list + watch, relist on expiry, reconnect with backoff: all fabric8's).
 *
 * <p>Event handlers only convert the object and record it in the {@link ObjectStore}, then call
 * {@code onChange} when the store actually changed.
 *
 * <p>Sync: fabric8 reports an informer synced once its own cache holds the initial list, but hands
 * the events to handlers asynchronously, so at that moment the {@link ObjectStore} may still lag.
 * When both informers have synced, this source therefore copies both informer caches into the store
 * once ("priming"), and only then reports {@link #hasSynced()}. Priming and handlers write under one
 * lock, so a handler's later event always lands after the primed copy and nothing stays stale.
 */
public final class KubernetesSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final Object lock = new Object();

    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private ObjectStore store;
    private Runnable onChange;
    private volatile boolean synced;
    private volatile boolean closed;

    /** Uses {@code client} without taking ownership: {@link #close()} leaves it open. */
    public KubernetesSource(KubernetesClient client) {
        this(client, false);
    }

    private KubernetesSource(KubernetesClient client, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
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
            config = Config.fromKubeconfig(kubeconfig.toFile());
        } else {
            config = Config.autoConfigure(null);
        }
        // The JDK HTTP client, chosen explicitly: with several factories on the class path fabric8
        // would pick one at random, and this one needs no extra event-loop threads.
        return new KubernetesSource(new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory()).build(), true);
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
            // Resync period 0: the sync runner does its own periodic full resync from the store.
            services = client.services().inAnyNamespace().runnableInformer(0);
            slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
            // fabric8's default gives up for good when the first list fails (API server not up yet,
            // RBAC not applied yet): a node agent must keep trying instead, with fabric8's backoff.
            services.exceptionHandler(this::retryAfter);
            slices.exceptionHandler(this::retryAfter);
            services.addEventHandler(new Handler<>("Service", Converters::service, store::putService,
                    svc -> store.removeService(svc.ref())));
            slices.addEventHandler(new Handler<>("EndpointSlice", Converters::endpointSlice, store::putEndpointSlice,
                    slice -> store.removeEndpointSlice(slice.ref())));
        }
        LOG.info("watching Services and EndpointSlices in all namespaces at {}", client.getMasterUrl());
        services.start().whenComplete((v, e) -> started("Service", e));
        slices.start().whenComplete((v, e) -> started("EndpointSlice", e));
    }

    private boolean retryAfter(boolean wasStarted, Throwable failure) {
        if (closed) return false;
        // fabric8 logs the failure itself (with the resource); this line only adds our decision.
        LOG.debug("list/watch failed ({}), retrying: {}", wasStarted ? "after the initial sync" : "initial sync",
                failure.toString());
        return true;
    }

    private void started(String kind, Throwable failure) {
        if (closed) return; // stopping fails the start future: nothing to report
        if (failure != null) {
            // fabric8 keeps retrying the list; hasSynced() primes once it succeeds.
            LOG.warn("{} informer did not sync yet: {}", kind, failure.toString());
            return;
        }
        LOG.info("{} informer synced", kind);
        primeIfSynced();
    }

    @Override
    public boolean hasSynced() {
        if (!synced) primeIfSynced();
        return synced;
    }

    /** For tests: both informers have an open watch (so closing now does not race a watch being set up). */
    boolean watching() {
        synchronized (lock) {
            return services != null && services.isWatching() && slices.isWatching();
        }
    }

    /** Copies both informer caches into the store once both synced; see the class comment. */
    private void primeIfSynced() {
        int serviceCount = 0;
        int sliceCount = 0;
        synchronized (lock) {
            if (synced || closed || services == null) return;
            if (!services.hasSynced() || !slices.hasSynced()) return;
            for (Service svc : services.getStore().list()) {
                record(svc, Converters::service, store::putService);
                serviceCount++;
            }
            for (EndpointSlice s : slices.getStore().list()) {
                record(s, Converters::endpointSlice, store::putEndpointSlice);
                sliceCount++;
            }
            synced = true;
        }
        LOG.info("initial sync complete: {} Services, {} EndpointSlices", serviceCount, sliceCount);
        // Always notify, changed or not: the sync loop may be waiting for hasSynced() to turn true.
        notifyChange(true);
    }

    private static <F extends HasMetadata, M> boolean record(F object, Function<F, M> convert, Predicate<M> put) {
        try {
            M model = convert.apply(object);
            return model != null && put.test(model);
        } catch (RuntimeException e) {
            // Converters do not throw on content; this guards against a bug taking the informer down.
            LOG.error("could not record {} {}", object.getKind(), describe(object), e);
            return false;
        }
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
        return o.getMetadata() == null ? "?" : o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    @Override
    public String describe() {
        return "kubernetes " + client.getMasterUrl();
    }

    @Override
    public void close() {
        SharedIndexInformer<?> s;
        SharedIndexInformer<?> e;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            s = services;
            e = slices;
        }
        if (s != null) s.close();
        if (e != null) e.close();
        // Let in-flight list/watch requests wind down before the client goes (bounded): otherwise
        // fabric8 logs "Client already closed" errors for requests that are being cancelled anyway.
        awaitStopped(s);
        awaitStopped(e);
        if (ownsClient) client.close();
    }

    private static void awaitStopped(SharedIndexInformer<?> informer) {
        if (informer == null) return;
        try {
            informer.stopped().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ex) {
            LOG.debug("informer for {} did not report stopped: {}", informer.getApiTypeClass().getSimpleName(),
                    ex.toString());
        }
    }

    /** Records informer events; never throws into fabric8. */
    private final class Handler<F extends HasMetadata, M> implements ResourceEventHandler<F> {
        private final String kind;
        private final Function<F, M> convert;
        private final Predicate<M> put;
        private final Predicate<M> remove;

        Handler(String kind, Function<F, M> convert, Predicate<M> put, Predicate<M> remove) {
            this.kind = kind;
            this.convert = convert;
            this.put = put;
            this.remove = remove;
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
                    M model = convert.apply(obj);
                    changed = model != null && remove.test(model);
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
                changed = record(obj, convert, put);
            }
            if (LOG.isDebugEnabled()) LOG.debug("{} {} recorded (changed={})", kind, describe(obj), changed);
            notifyChange(changed);
            if (!synced) primeIfSynced();
        }
    }
}
