package dev.senda.agent;

import dev.senda.datapath.CgroupNetns;
import dev.senda.datapath.Datapath;
import dev.senda.datapath.DatapathLoadException;
import dev.senda.datapath.UdpSocketCloser;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.LbState;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.metrics.LruPressure;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.NodeAddressWriter;
import dev.senda.reconcile.RestoreResult;
import dev.senda.reconcile.SyncRunner;
import dev.senda.source.KubernetesSource;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import dev.senda.source.Source;
import dev.senda.source.snapshot.SnapshotContent;
import dev.senda.source.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The node agent: loads the datapath, restores what the pinned maps hold, then keeps them in sync
 * with the source until asked to stop.
 *
 * <p>Start order matters: the datapath and the reconciler's restored IDs come before the first sync, so
 * the first sync after a restart writes nothing that is already right; the source is created before
 * anything is loaded (a source that cannot be made leaves no pins). It reads ahead ({@link Source#prepare})
 * and starts ({@link EarlySource}) on threads of its own while the kernel is probed and the datapath
 * loads, and the first desired state is computed then too ({@link DesiredAhead}); its signals wait for
 * the sync runner. With the Kubernetes source, the snapshot of the inputs ({@link InputSnapshots}) is
 * programmed right after the restore when the maps were empty (a reboot), so forwarding does not wait for
 * the API server. A source with nothing to read ahead has {@link ParserWarmUp} load its parser on another
 * thread. {@link StartPhases} times each step for one log line. {@link #close()} stops the control plane
 * only: maps and
 * attachments are pinned, and forwarding continues without the agent.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /**
     * How long a count of the LRU maps' entries serves scrapes before they are counted again: a count
     * walks the maps (one syscall per 4,096 entries, some 100 ms for millions of entries), so scrapes
     * must not each cause one.
     */
    static final java.time.Duration LRU_COUNT_PERIOD = java.time.Duration.ofSeconds(10);

    private final AgentConfig config;
    private final Optional<java.nio.file.Path> bpfObjectDir;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Everything started, closed in reverse order. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    /** Timed from the process's start: the one "start phases" line says where the start went. */
    private final StartPhases phases = StartPhases.sinceProcessStart();
    private final HeapTrim heapTrim = new HeapTrim();
    private final JvmSeriesExport jvmSeries = new JvmSeriesExport();

    public Agent(AgentConfig config) {
        this(config, Optional.empty());
    }

    /**
     * @param bpfObjectDir where datapath objects that replace the agent's own are ({@code --bpf-object-dir}),
     *                     if anywhere
     */
    public Agent(AgentConfig config, Optional<java.nio.file.Path> bpfObjectDir) {
        this.config = config;
        this.bpfObjectDir = bpfObjectDir;
    }

    /** Loads and attaches the datapath, starts health, metrics, the sync runner and the source. */
    public void start() throws IOException {
        // Before anything slow: a SIGTERM during start-up must still end in an orderly close().
        StopSignals.onTermination(this::requestStop);
        log.info("starting: node {}, source {}, nodeport addresses {}, bpffs root {}, cgroup root {}, socket LB {}, "
                        + "pod devices {}, node devices {}, state dir {}", config.nodeName(), config.source(), config.nodePortAddresses(), config.bpffsRoot(), config.cgroupRoot(), config.socketLb(),
                config.podDevices().orElse("(none)"), config.nodeDevices().orElse("(none)"), config.stateDir());
        // Created (not started) before anything is loaded: a source that cannot be made leaves no pins.
        Source source = config.source().create();
        try {
            start(source);
        } catch (IOException | RuntimeException | Error e) {
            if (!started.contains(source)) closeQuietly(source);
            throw e;
        }
    }

    private void start(Source source) throws IOException {
        // The source reads ahead (a directory source parses its files), or at least its parser loads, on the
        // other core(s) while this thread waits for the kernel (probes, verifier).
        if (!source.prepare()) ParserWarmUp.start();
        // Metrics' registry costs class loading and needs nothing from the kernel: made on another thread
        // meanwhile (the server still starts where it did; the JVM's own series wait for the first sync).
        FutureTask<Metrics> metricsAhead = new FutureTask<>(Metrics::new);
        Thread.ofPlatform().daemon().name("senda-metrics-init").start(metricsAhead);
        // The source starts now, on a thread of its own: the store fills and the first desired state is
        // computed while this thread waits for the kernel.
        DesiredStateCalculator calculator = new DesiredStateCalculator(config.nodePortAddresses());
        EarlySource early = EarlySource.start(source, config.nodeName(), calculator);
        // The kernel is probed on a thread of its own while this one loads senda_tc.o, which needs nothing
        // of the findings (only the socket-LB object and the attachments do).
        FutureTask<KernelFeatures> probed = new FutureTask<>(() -> {
            try {
                KernelFeatures found = FeatureProbe.probe();
                log.info("kernel features: {}", found.summary());
                return found;
            } catch (RuntimeException | Error e) {
                // said here: a start that fails before asking for the findings never joins this task
                log.warn("probing the kernel's features failed: {}", e.toString());
                throw e;
            }
        });
        Thread.ofPlatform().daemon().name("senda-feature-probe").start(probed);
        log.info("map sizes: {}", config.mapSizes().summary());
        Datapath datapath;
        try {
            datapath = Datapath.load(config.bpffsRoot(), () -> StartTasks.join(probed), Optional.of(config.mapSizes()),
                    bpfObjectDir);
        } catch (DatapathLoadException e) {
            reportRejectedDatapath(source, e, metricsAhead);
            return;
        }
        KernelFeatures features = StartTasks.join(probed);
        started.push(datapath);
        phases.mark("kernel features + datapath load");
        // Everything is loaded and verified: from here each hook's program is swapped in place.
        long swapStart = System.nanoTime();
        if (config.socketLb()) {
            datapath.attachSocketLb(config.cgroupRoot());
        } else {
            datapath.detachSocketLb();
        }
        Optional<UdpSocketCloser> udpCloser = openUdpCloser(config, features);
        udpCloser.ifPresent(started::push);
        datapath.attachPodDevices(config.podDevices());
        datapath.attachNodeDevices(config.nodeDevices());
        // Every hook runs the new programs now: the second pass of a layout migration, if any.
        datapath.finishMigrations();
        log.info("datapath in place: every hook swapped (or found identical) and maps migrated in {} ms",
                (System.nanoTime() - swapStart) / 1_000_000);

        phases.mark("attach");
        LbReconciler reconciler = new LbReconciler(datapath.lbMaps());
        RestoreResult restored = reconciler.restore();
        phases.mark("restore");
        log.info("restored from pinned maps: {}", restored);

        Metrics metrics = StartTasks.join(metricsAhead);
        started.push(metrics);
        metrics.exportDatapathEvents(datapath.counters()::readAll);
        metrics.startHttp(config.metricsBind());
        jvmSeries.start(metrics::exportJvm);
        metrics.exportRejectedFiles(source::rejectedFiles);
        // NetworkPolicy: the pending setting first, so a pod not computed yet is treated as configured
        datapath.setPolicyPending(config.policyPendingDeny());
        dev.senda.reconcile.PolicyReconciler policyReconciler =
                new dev.senda.reconcile.PolicyReconciler(datapath.policyEndpoints(), datapath.policyRules());
        policyReconciler.restore();
        dev.senda.maps.policy.PolicyCounters policyCounters = datapath.policyCounters();
        metrics.exportPolicyVerdicts(policyCounters::readAll, policyReconciler::policyNames);
        LruPressure lruPressure = new LruPressure(datapath.lruMaps(), datapath.counters()::readAll,
                LRU_COUNT_PERIOD, java.time.InstantSource.system());
        metrics.exportMapOccupancy(reconciler::entriesPerMap, datapath.sizedMapCapacities(), lruPressure::sample);
        SyncRunner.Settings settings = config.sync();
        HealthState health = HealthState.forSource(settings, source);
        started.push(HealthServer.start(config.healthzBind(), health));
        phases.mark("metrics+health servers");

        ObjectStore store = early.store();
        ServiceSync sync = new ServiceSync(store, source, calculator, early.desiredAhead(), config.nodeName(), reconciler,
                metrics, java.time.InstantSource.system());
        sync.withPolicy(new PolicySync(policyReconciler, config.nodeName()));
        // kube-proxy's rule: /healthz fails while this node's Node object is being deleted.
        // and the node's address is the source of flows from outside source-NATed to other nodes.
        NodeAddressWriter nodeAddresses = new NodeAddressWriter(datapath.nodeAddresses());
        sync.onNode(node -> {
            health.setNodeEligible(!node.deleting());
            nodeAddresses.write(node);
        });
        // kube-proxy's serviceProxyHealthy: a health-check node port fails while /healthz does.
        ServiceHealthServers healthCheckPorts = new ServiceHealthServers(() -> health.status().healthy());
        started.push(healthCheckPorts);
        sync.onHealthChecks(healthCheckPorts::update);
        sync.onUnprogrammed(health::setUnprogrammed);
        CgroupNetns socketLbNamespaces = new CgroupNetns(config.cgroupRoot());
        udpCloser.map(closer -> new StaleUdpSockets(closer, socketLbNamespaces::namespaces, metrics))
                .ifPresent(stale -> sync.onApplied(stale::applied));
        boolean programsSnapshot = keepSnapshot(source, store, restored, sync);
        sync.onApplied(firstSyncLogger());
        SyncRunner runner = new SyncRunner("services", sync, settings, metrics, health);
        started.push(runner);
        runner.start();
        // Programmed now, not when the source first answers: after a reboot that may take long.
        if (programsSnapshot) runner.requestSync();
        // Started at the top of this method; a failure to start (a directory that is none) surfaces here.
        early.awaitStarted();
        started.push(source);
        phases.mark("source start");
        // Every change the source delivers is a queued update for health's "programmed in time" rule.
        early.open(() -> {
            health.queuedUpdate();
            runner.requestSync();
        });
        log.info("started; source {}; healthz on {}, metrics on {}", source.describe(), config.healthzBind(),
                config.metricsBind());
        log.info("start phases: {}", phases.summary());
    }

    /**
     * One line at the first complete apply: how long after the process started every input was programmed;
     * then the start's garbage goes ({@link HeapTrim}) and the JVM's series are registered ({@link JvmSeriesExport}).
     */
    private Consumer<LbState> firstSyncLogger() {
        AtomicBoolean logged = new AtomicBoolean();
        return lb -> {
            if (logged.compareAndSet(false, true)) {
                log.info("first sync programmed {} ms after the process started", phases.sinceStartMillis());
                heapTrim.afterFirstSync();
                jvmSeries.firstSyncDone();
            }
        };
    }

    /**
     * The kernel refused a datapath object: nothing was attached or swapped, so the datapath of the agent
     * before (if any) keeps forwarding with the maps as they are. This agent stays up to say so, in the
     * log (the verifier's last lines), in {@code senda_datapath_load_failures_total{object}} and in
     * /healthz's body; /healthz and /readyz answer 503, so a rolling update stops at this node, and /livez
     * 200, since a restart would meet the same refusal. It programs nothing: the running programs may
     * read maps of a layout this version does not write. A rollback (or a fixed object) is the way on.
     */
    private void reportRejectedDatapath(Source source, DatapathLoadException e, FutureTask<Metrics> metricsAhead)
            throws IOException {
        closeQuietly(source);
        log.error("datapath not replaced: {}{} rejected by the kernel; the datapath already attached (if any) keeps "
                        + "running, nothing is programmed by this agent; verifier: {}", e.object(),
                e.program().map(p -> " (program " + p + ")").orElse(""), e.verifierTail().replace("\n", " | "));
        Metrics metrics = StartTasks.join(metricsAhead);
        started.push(metrics);
        metrics.recordDatapathLoadFailure(e.object());
        metrics.startHttp(config.metricsBind());
        jvmSeries.start(metrics::exportJvm);
        HealthState health = HealthState.forSource(config.sync(), source);
        health.setDatapathFailure(new HealthState.DatapathFailure(e.object(), e.program(), e.verifierTail()));
        started.push(HealthServer.start(config.healthzBind(), health));
    }

    /**
     * With the Kubernetes source: the snapshot of the inputs after each change (started here, so it
     * closes after the runner), and after a reboot the last one to program before the API server
     * answers ({@link InputSnapshots}). A directory source needs none: its files are on the node's disk.
     *
     * @return whether {@code sync} got a snapshot to program before the source has synced
     */
    private boolean keepSnapshot(Source source, ObjectStore store, RestoreResult restored, ServiceSync sync) {
        if (!(source instanceof KubernetesSource kubernetes)) return false;
        SnapshotStore file = new SnapshotStore(config.stateDir());
        InputSnapshots snapshots = new InputSnapshots(file, kubernetes::cachedObjectJson, store::generation,
                InputSnapshots.MIN_INTERVAL);
        started.push(snapshots);
        sync.onApplied(lb -> snapshots.applied());
        Optional<SnapshotContent.Decoded> atStart = InputSnapshots.forStart(file, restored, Kinds.ALL);
        atStart.ifPresent(d -> sync.programUntilSynced(d.inputs()));
        return atStart.isPresent();
    }

    /**
     * The closer of connected UDP sockets whose backend left (socket LB only: per-packet LB re-balances
     * by itself): the BPF iterator with bpf_sock_destroy, else sock_diag; empty, with the reason logged,
     * when neither can be opened. Never a failed start.
     */
    private static Optional<UdpSocketCloser> openUdpCloser(AgentConfig config, KernelFeatures features) {
        if (!config.socketLb()) return Optional.empty();
        try {
            UdpSocketCloser closer = UdpSocketCloser.forKernel(config.bpffsRoot(), features);
            log.info("connected UDP sockets of departed backends are closed with {}{}", closer.describe(),
                    features.has(Feature.SOCK_DESTROY) ? ""
                            : " (no bpf_sock_destroy: " + features.finding(Feature.SOCK_DESTROY) + ")");
            return Optional.of(closer);
        } catch (RuntimeException e) {
            log.warn("cannot close connected UDP sockets of departed backends ({}): such a socket keeps its backend "
                    + "until the application connects again", e.getMessage());
            return Optional.empty();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    /** Blocks until SIGTERM/SIGINT or {@link #requestStop()}. */
    public void awaitShutdown() throws InterruptedException {
        stopRequested.await();
        log.info("stopping; the datapath stays in place and keeps forwarding");
    }

    public void requestStop() {
        stopRequested.countDown();
    }

    /** Stops sources, runner and servers and closes file descriptors; pins and attachments stay. */
    @Override
    public void close() {
        heapTrim.cancel();
        jvmSeries.cancel();
        while (!started.isEmpty()) {
            closeQuietly(started.pop());
        }
    }
}
