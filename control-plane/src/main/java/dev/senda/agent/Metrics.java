package dev.senda.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncResult;
import dev.senda.reconcile.SyncRunner;
import dev.senda.maps.metrics.DatapathCounters;
import dev.senda.maps.metrics.DatapathEvent;
import dev.senda.maps.metrics.LruPressure;
import dev.senda.source.RejectedFile;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics, in a registry of its own (not the library's default one, so
 * tests and several agents in one JVM do not share state), and their HTTP server, kube-proxy's
 * metrics port: {@code /metrics} (Prometheus text), {@code /proxyMode} (the text {@value #PROXY_MODE})
 * and 404 for every other path, so a probe aimed at the wrong port or path fails.
 *
 * <p>Two families: Senda's own {@code senda_*}, and the {@code kubeproxy_*} series that kube-proxy
 * dashboards and alerts read, with kube-proxy's names, types, buckets and meanings:
 * <ul>
 *   <li>{@code kubeproxy_sync_proxy_rules_duration_seconds}: every sync that ran with the source
 *       synced (kube-proxy does not time the early return before its caches are synced), failed or not;</li>
 *   <li>{@code kubeproxy_sync_proxy_rules_last_timestamp_seconds}: end of the last successful complete sync;</li>
 *   <li>{@code kubeproxy_network_programming_duration_seconds}: from an EndpointSlice's
 *       last-change-trigger-time to the end of the sync that programmed it ({@link ProgrammedChanges});</li>
 *   <li>{@code kubeproxy_sync_proxy_rules_service_changes_total}, {@code ..._endpoint_changes_total}:
 *       Services and EndpointSlices changes programmed;</li>
 *   <li>{@code kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy="internal"|"external"}}:
 *       Services with a Local traffic policy and no local endpoint, now: a gauge despite the suffix, as
 *       in kube-proxy.</li>
 * </ul>
 *
 * <p>It is a {@link SyncRunner.Observer}: pass it to the runner to record sync duration, result
 * and network-programming latency; call {@link #recordApply} with each reconciler result.
 */
public final class Metrics implements SyncRunner.Observer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);
    /** Default of --metrics-bind (kube-proxy's metrics port). */
    public static final String DEFAULT_BIND = "127.0.0.1:10249";
    /**
     * What {@code /proxyMode} answers. kube-proxy answers its mode ("iptables", "ipvs", "nftables",
     * "kernelspace"); clients (the Kubernetes e2e framework among them) use it to expect a mode's quirks.
     * Senda has none of those modes' quirks, so it names itself rather than impersonate one.
     */
    public static final String PROXY_MODE = "senda";
    /** kube-proxy's sync duration buckets: 1 ms doubling up to 16.384 s. */
    static final double[] KUBEPROXY_SYNC_BUCKETS = exponential(0.001, 2, 15);
    /** kube-proxy's network programming buckets: 0.25 s, 0.5 s, 1..59 s by 1, 60..115 s by 5, 120..300 s by 30. */
    static final double[] KUBEPROXY_PROGRAMMING_BUCKETS = programmingBuckets();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram syncDuration = Histogram.builder()
            .name("senda_sync_duration_seconds")
            .help("Time one sync took: desired state computed and applied to the BPF maps.")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
    private final Histogram programmingLatency = Histogram.builder()
            .name("senda_network_programming_duration_seconds")
            .help("Time from the first change a sync handled being seen to the end of the sync that wrote it to the maps.")
            .classicOnly()
            .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
            .register(registry);
    private final Histogram changeToMap = Histogram.builder()
            .name("senda_change_to_map_seconds")
            .help("Time from a Service, EndpointSlice or Node change reaching the agent's store to the end of the map "
                    + "writes of the sync that programmed it (the first change of each sync; syncs that changed nothing "
                    + "are not observed).")
            .labelNames("sync")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    private final Counter syncs = Counter.builder()
            .name("senda_sync_total")
            .help("Syncs run, by result.")
            .labelNames("result")
            .register(registry);
    private final Gauge services = Gauge.builder()
            .name("senda_programmed_services")
            .help("Services with at least one frontend programmed in the maps.")
            .register(registry);
    private final Gauge frontends = Gauge.builder()
            .name("senda_programmed_frontends")
            .help("Frontends (address:port/proto/scope) programmed in the maps.")
            .register(registry);
    private final Gauge backends = Gauge.builder()
            .name("senda_programmed_backends")
            .help("Backend entries programmed in the maps and used by a frontend.")
            .register(registry);
    private final Gauge unprogrammed = Gauge.builder()
            .name("senda_frontends_unprogrammed")
            .help("Desired frontends the maps do not hold as desired after the last sync, typically because a "
                    + "map is full (the log and /healthz name the first few).")
            .register(registry);
    private final Gauge staleEntries = Gauge.builder()
            .name("senda_map_stale_entries")
            .help("Map entries nothing desires that are still in the maps (before every source synced, or "
                    + "while their delete fails).")
            .register(registry);
    private final Counter mapWriteFailures = Counter.builder()
            .name("senda_map_write_failures_total")
            .help("BPF map updates and deletes of the reconciler that failed (a full map among other reasons).")
            .register(registry);
    private final Gauge rejected = Gauge.builder()
            .name("senda_rejected_objects")
            .help("Kubernetes objects currently rejected as malformed (see the log for the reasons).")
            .register(registry);
    private final Counter staleUdpSockets = Counter.builder()
            .name("senda_stale_udp_sockets_total")
            .help("Connected UDP sockets socket LB had pointed at a backend that left their Service, met by a "
                    + "sweep, by result: closed (bpf_sock_destroy succeeded) or failed.")
            .labelNames("result")
            .register(registry);
    private final Counter staleUdpSweeps = Counter.builder()
            .name("senda_stale_udp_sweeps_total")
            .help("Sweeps of socket LB's network namespaces for connected UDP sockets of departed backends.")
            .register(registry);
    private final Counter datapathLoadFailures = Counter.builder()
            .name("senda_datapath_load_failures_total")
            .help("Datapath objects the kernel refused to load (the verifier rejected a program), by object; the "
                    + "datapath running before stays in place, and the log and /healthz carry the verifier's reason.")
            .labelNames("object")
            .register(registry);
    private final Counter mapWrites = Counter.builder()
            .name("senda_map_writes_total")
            .help("Successful BPF map updates and deletes done by the reconciler.")
            .register(registry);
    private final Histogram kpSyncDuration = Histogram.builder()
            .name("kubeproxy_sync_proxy_rules_duration_seconds")
            .help("SyncProxyRules latency in seconds")
            .classicOnly()
            .classicUpperBounds(KUBEPROXY_SYNC_BUCKETS)
            .register(registry);
    private final Histogram kpProgramming = Histogram.builder()
            .name("kubeproxy_network_programming_duration_seconds")
            .help("In Cluster Network Programming Latency in seconds")
            .classicOnly()
            .classicUpperBounds(KUBEPROXY_PROGRAMMING_BUCKETS)
            .register(registry);
    private final Gauge kpLastSync = Gauge.builder()
            .name("kubeproxy_sync_proxy_rules_last_timestamp_seconds")
            .help("The last time proxy rules were successfully synced")
            .register(registry);
    private final Counter kpServiceChanges = Counter.builder()
            .name("kubeproxy_sync_proxy_rules_service_changes_total")
            .help("Cumulative proxy rules Service changes")
            .register(registry);
    private final Counter kpEndpointChanges = Counter.builder()
            .name("kubeproxy_sync_proxy_rules_endpoint_changes_total")
            .help("Cumulative proxy rules Endpoint changes")
            .register(registry);
    private final Gauge kpNoLocalEndpoints = Gauge.builder()
            .name("kubeproxy_sync_proxy_rules_no_local_endpoints_total")
            .help("Number of services with a Local traffic policy and no endpoints")
            .labelNames("traffic_policy")
            .register(registry);
    /** Whether {@link #exportJvm} has registered the JVM's series. */
    private final AtomicBoolean jvmExported = new AtomicBoolean();
    /** Whether the last read of the datapath counters failed: failures are logged once per streak. */
    private final AtomicBoolean datapathReadFailing = new AtomicBoolean();
    private final InstantSource clock;
    private HttpServer server;
    private ExecutorService executor;

    public Metrics() {
        this(InstantSource.system());
    }

    /** @param clock gives {@code kubeproxy_sync_proxy_rules_last_timestamp_seconds} its value */
    public Metrics(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        // Export both series from the start so a scrape shows 0 rather than nothing.
        syncs.initLabelValues("success");
        syncs.initLabelValues("error");
        setNoLocalEndpoints(0, 0);
    }

    /**
     * Adds the jvm_* and process_* series (heap, GC, threads, RSS, open files, CPU): an agent on every node
     * is judged by what it costs, and these are the series JVM dashboards already read. JvmMetrics' set
     * less its native-memory series: those are empty unless the JVM runs with native memory tracking (the
     * agent does not: it costs memory), and registering them starts the platform MBean server.
     *
     * <p>Not done by the constructor: the agent calls it once its first sync is done, or 10 s after its
     * metrics server started at the latest ({@link JvmSeriesExport}).
     * Registering them loads the JVM's management classes, and the allocation series listen to every
     * collection, of which a 10,000-Service start has about a hundred: measured, they cost the start 0.16-0.42
     * s of CPU on two cores that the start has no spare of. The first call registers; later ones do nothing.
     */
    public void exportJvm() {
        if (!jvmExported.compareAndSet(false, true)) return;
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** The registry holding Senda's metrics (for extra collectors or tests). */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void syncFinished(SyncReport report) {
        syncDuration.observe(seconds(report.duration()));
        syncs.labelValues(report.result().success() ? "success" : "error").inc();
        report.programmingLatency().ifPresent(d -> programmingLatency.observe(seconds(d)));
        SyncResult result = report.result();
        // A success that is not complete is the wait for the source's caches: kube-proxy times no such sync.
        if (result.success() && !result.complete()) return;
        kpSyncDuration.observe(seconds(report.duration()));
        if (result.success()) kpLastSync.set(clock.millis() / 1000.0);
    }

    /** Counts the Service and EndpointSlice changes one sync programmed. */
    public void recordChanges(int serviceChanges, int endpointSliceChanges) {
        if (serviceChanges > 0) kpServiceChanges.inc(serviceChanges);
        if (endpointSliceChanges > 0) kpEndpointChanges.inc(endpointSliceChanges);
    }

    /**
     * A change received {@code latency} before the maps held it; {@code incremental} says whether that
     * sync wrote only what changed (label {@code sync="incremental"}) or recomputed everything ({@code "full"}).
     */
    public void observeChangeToMap(Duration latency, boolean incremental) {
        if (!latency.isNegative()) changeToMap.labelValues(incremental ? "incremental" : "full").observe(seconds(latency));
    }

    /** One EndpointSlice trigger time programmed {@code latency} after it happened. */
    public void observeNetworkProgramming(Duration latency) {
        if (!latency.isNegative()) kpProgramming.observe(seconds(latency));
    }

    /**
     * Services with an internal / external Local traffic policy that have no local endpoint now
     * (0 until traffic policies are programmed).
     */
    public void setNoLocalEndpoints(int internal, int external) {
        kpNoLocalEndpoints.labelValues("internal").set(internal);
        kpNoLocalEndpoints.labelValues("external").set(external);
    }

    /** Updates the programmed-object gauges and the write counter from one apply. */
    public void recordApply(ApplyResult result) {
        setProgrammed(result.services(), result.frontends(), result.backends());
        addMapWrites(result.writes());
        unprogrammed.set(result.unprogrammed().count());
        staleEntries.set(result.staleKept());
        mapWriteFailures.inc(result.failures());
    }

    /** One sweep for stale connected UDP sockets: how many it closed and how many it failed to close. */
    public void recordStaleUdpSweep(long closed, long failed) {
        staleUdpSweeps.inc();
        staleUdpSockets.labelValues("closed").inc(closed);
        staleUdpSockets.labelValues("failed").inc(failed);
    }

    public void setProgrammed(int serviceCount, int frontendCount, int backendCount) {
        services.set(serviceCount);
        frontends.set(frontendCount);
        backends.set(backendCount);
    }

    public void setRejectedObjects(int count) {
        rejected.set(count);
    }

    /** The kernel refused {@code object} (e.g. {@code senda_tc.o}). */
    public void recordDatapathLoadFailure(String object) {
        datapathLoadFailures.labelValues(object).inc();
    }

    public void addMapWrites(long count) {
        if (count > 0) mapWrites.inc(count);
    }

    /**
     * Exports the datapath's own event counters as {@code senda_datapath_events_total{event="..."}},
     * read from the BPF map at every scrape (so they are as fresh as the scrape, and cost nothing
     * between scrapes). Call once.
     *
     * <p>A failed read leaves the series out of that scrape and the scrape still succeeds; the
     * failure is logged once, and its end too.
     *
     * @param reader the counts, e.g. {@code datapath.counters()::readAll}; called on scrape threads
     */
    private final AtomicBoolean policyReadFailing = new AtomicBoolean();

    public void exportDatapathEvents(Supplier<Map<DatapathEvent, Long>> reader) {
        CounterWithCallback.builder()
                .name("senda_datapath_events_total")
                .help("Events counted by the BPF datapath (per-CPU counters summed), by event; "
                        + "`senda bpf metrics` describes each.")
                .labelNames("event")
                .callback(sink -> {
                    Map<DatapathEvent, Long> counts;
                    try {
                        counts = reader.get();
                    } catch (RuntimeException e) {
                        if (datapathReadFailing.compareAndSet(false, true)) {
                            LOG.warn("cannot read the datapath counters, senda_datapath_events_total is left out "
                                    + "of scrapes until they can be read again: {}", e.toString());
                        }
                        return;
                    }
                    if (datapathReadFailing.compareAndSet(true, false)) LOG.info("datapath counters readable again");
                    counts.forEach((event, count) -> sink.call(DatapathCounters.toDouble(count), event.metricName()));
                })
                .register(registry);
    }

    /**
     * Exports {@code senda_policy_verdicts_total{policy, direction, verdict}}: the NetworkPolicy checks'
     * per-CPU counters ({@code senda_polstats_v1}, bpf/lib/abi/policy.h) summed, read at every scrape.
     * {@code policy} is "namespace/name" for packets a policy's rule allowed, empty for every other
     * verdict (deny, conntrack, node, pending, pending_drop; allow without isolation), and
     * "(unknown)" for an id this agent has not named (left by a previous agent). Call once.
     *
     * @param reader e.g. {@code policyCounters::readAll}
     * @param names  policy id -> NetworkPolicy, e.g. {@code policyReconciler::policyNames}
     */
    public void exportPolicyVerdicts(Supplier<Map<dev.senda.maps.policy.PolicyStatsKey, Long>> reader,
                                     Supplier<Map<Integer, dev.senda.model.ObjectRef>> names) {
        CounterWithCallback.builder()
                .name("senda_policy_verdicts_total")
                .help("Packets judged by NetworkPolicy on pod interfaces, by allowing policy (namespace/name), "
                        + "direction (ingress|egress) and verdict (allow|deny|conntrack|node|pending|pending_drop).")
                .labelNames("policy", "direction", "verdict")
                .callback(sink -> {
                    Map<dev.senda.maps.policy.PolicyStatsKey, Long> counts;
                    Map<Integer, dev.senda.model.ObjectRef> byId;
                    try {
                        counts = reader.get();
                        byId = names.get();
                    } catch (RuntimeException e) {
                        if (policyReadFailing.compareAndSet(false, true)) {
                            LOG.warn("cannot read the policy counters, senda_policy_verdicts_total is left out "
                                    + "of scrapes until they can be read again: {}", e.toString());
                        }
                        return;
                    }
                    policyReadFailing.set(false);
                    Map<List<String>, Long> summed = new java.util.TreeMap<>(java.util.Comparator.comparing(List::toString));
                    counts.forEach((k, count) -> {
                        String policy = k.policyId() == 0 ? ""
                                : byId.containsKey(k.policyId()) ? byId.get(k.policyId()).toString() : "(unknown)";
                        summed.merge(List.of(policy, k.direction().label(), k.verdict().label()), count, Long::sum);
                    });
                    summed.forEach((labels, count) -> sink.call(DatapathCounters.toDouble(count),
                            labels.toArray(String[]::new)));
                })
                .register(registry);
    }

    /**
     * Exports {@code senda_source_files_rejected{reason="too_large"|"unparsable"|"unreadable"}}: how
     * many input files the source refuses right now, read at every scrape (every reason is always
     * present, 0 when none). A gauge of the current state, not a counter of events, so an alert on
     * {@code > 0} fires while a file is refused and clears when it is fixed. Call once.
     *
     * @param rejectedFiles e.g. {@code source::rejectedFiles}; called on scrape threads
     */
    /**
     * Exports how full the maps are: {@code senda_map_entries{map}} for the reconciled maps (from the
     * reconciler's mirror, no walk of the maps) and for the datapath's LRU maps (conntrack, NAT,
     * policy conntrack, affinity, socket-LB flows: counted by {@link LruPressure}, at most once per
     * its period however often the scrapes come); {@code senda_map_capacity_entries{map}} for every
     * sized map and every LRU map; and {@code senda_lru_evictions_total{table}}, the entries the
     * kernel's LRU evicted from a full conntrack, NAT or policy conntrack table (estimated as created
     * - deleted - present, see {@link LruPressure}). A failed count leaves the LRU series out of that
     * scrape (logged once per streak). Call once.
     *
     * @param sizedCapacities {@code max_entries} of every sized map as loaded, e.g.
     *                        {@code datapath.sizedMapCapacities()} (a map too full for its default keeps its size)
     * @param lru the LRU maps' counts, e.g. {@code lruPressure::sample}; called on scrape threads
     */
    public void exportMapOccupancy(Supplier<Map<String, Integer>> entries, Map<String, Integer> sizedCapacities,
                                   Supplier<LruPressure.Sample> lru) {
        GaugeWithCallback.builder()
                .name("senda_map_entries")
                .help("Entries a map holds, by map name: the maps the reconciler writes after the last sync, "
                        + "the datapath's LRU maps as last counted (at most every few seconds).")
                .labelNames("map")
                .callback(sink -> {
                    Map<String, Integer> reconciled = entries.get();
                    reconciled.forEach((map, n) -> sink.call(n, map));
                    lruSample(lru).ifPresent(s -> s.entries().forEach((map, n) -> {
                        if (!reconciled.containsKey(map)) sink.call(n, map);
                    }));
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("senda_map_capacity_entries")
                .help("max_entries of each sized map as loaded (--map-size-*, the memory-derived default, or "
                        + "the pinned size of a map too full for its default) and of each LRU map, by map name.")
                .labelNames("map")
                .callback(sink -> {
                    sizedCapacities.forEach((map, n) -> sink.call(n, map));
                    lruSample(lru).ifPresent(s -> s.capacity().forEach((map, n) -> {
                        if (!sizedCapacities.containsKey(map)) sink.call(n, map);
                    }));
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("senda_lru_evictions_total")
                .help("Entries the kernel's LRU evicted from a full table, estimated as entries created - deleted "
                        + "- present (datapath counters and a count of the maps), by table "
                        + "(conntrack|nat|policy_conntrack, both families).")
                .labelNames("table")
                .callback(sink -> lruSample(lru).ifPresent(s -> s.evictions().forEach((table, n) -> sink.call(n, table))))
                .register(registry);
    }

    private final AtomicBoolean lruCountFailing = new AtomicBoolean();

    private java.util.Optional<LruPressure.Sample> lruSample(Supplier<LruPressure.Sample> lru) {
        try {
            LruPressure.Sample s = lru.get();
            if (lruCountFailing.compareAndSet(true, false)) LOG.info("LRU maps countable again");
            return java.util.Optional.of(s);
        } catch (RuntimeException e) {
            if (lruCountFailing.compareAndSet(false, true)) {
                LOG.warn("cannot count the LRU maps, their senda_map_entries and senda_lru_evictions_total are "
                        + "left out of scrapes until they can be counted again: {}", e.toString());
            }
            return java.util.Optional.empty();
        }
    }

    public void exportRejectedFiles(Supplier<List<RejectedFile>> rejectedFiles) {
        GaugeWithCallback.builder()
                .name("senda_source_files_rejected")
                .help("Input files the source currently refuses (too large, unparsable, unreadable), by reason; "
                        + "/healthz lists them.")
                .labelNames("reason")
                .callback(sink -> {
                    Map<RejectedFile.Reason, Integer> counts = new EnumMap<>(RejectedFile.Reason.class);
                    for (RejectedFile.Reason r : RejectedFile.Reason.values()) counts.put(r, 0);
                    for (RejectedFile f : rejectedFiles.get()) counts.merge(f.reason(), 1, Integer::sum);
                    counts.forEach((reason, n) -> sink.call(n, reason.label()));
                })
                .register(registry);
    }

    /**
     * Starts the HTTP server: Prometheus text at {@code /metrics}, the mode at {@code /proxyMode}, 404
     * elsewhere.
     *
     * @return the bound port (the real one when port 0 was asked for)
     * @throws IOException when the address cannot be bound (the message names it)
     */
    public synchronized int startHttp(BindAddress bind) throws IOException {
        if (server != null) throw new IllegalStateException("metrics server already started on port " + port());
        HttpServer s;
        try {
            s = HttpServer.create(bind.toSocketAddress(), 0);
        } catch (IOException e) {
            throw new IOException("cannot bind metrics server to " + bind + ": " + e.getMessage(), e);
        }
        // Daemon threads: a stuck scraper must not keep the JVM alive. Two, so a slow scrape does not
        // hold up a /proxyMode probe.
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "senda-metrics");
            t.setDaemon(true);
            return t;
        });
        MetricsHandler metricsHandler = new MetricsHandler(registry);
        s.createContext("/", exchange -> route(exchange, metricsHandler));
        s.setExecutor(executor);
        s.start();
        server = s;
        LOG.info("metrics server listening on {}:{} (/metrics, /proxyMode)", bind.address().getHostAddress(), port());
        return port();
    }

    private synchronized int port() {
        return server.getAddress().getPort();
    }

    /** Exact paths only: the JDK server matches contexts by prefix, which would answer /metricsfoo. */
    private static void route(HttpExchange exchange, MetricsHandler metricsHandler) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/metrics")) {
            metricsHandler.handle(exchange);
            return;
        }
        try (exchange) {
            if (!path.equals("/proxyMode")) {
                sendText(exchange, 404, "not found\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "method not allowed\n");
            } else {
                sendText(exchange, 200, PROXY_MODE);
            }
        }
    }

    private static void sendText(HttpExchange exchange, int code, String body) throws IOException {
        HttpReplies.send(exchange, code, "text/plain; charset=utf-8", body);
    }

    /** Stops the server, if started. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        double v = start;
        for (int i = 0; i < count; i++, v *= factor) b[i] = v; // as Go's ExponentialBuckets, for the same le labels
        return b;
    }

    private static double[] programmingBuckets() {
        double[] b = new double[2 + 59 + 12 + 7];
        int i = 0;
        b[i++] = 0.25;
        b[i++] = 0.5;
        for (int s = 1; s <= 59; s++) b[i++] = s;
        for (int s = 60; s <= 115; s += 5) b[i++] = s;
        for (int s = 120; s <= 300; s += 30) b[i++] = s;
        return b;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
