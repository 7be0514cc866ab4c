package dev.senda.agent;

import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncRunner;
import dev.senda.maps.metrics.DatapathCounters;
import dev.senda.maps.metrics.DatapathEvent;
import dev.senda.source.RejectedFile;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics, in a registry of its own (not the library's default one, so
 * tests and several agents in one JVM do not share state), and their HTTP exporter at
 * {@code /metrics}.
 *
 * <p>It is a {@link SyncRunner.Observer}: pass it to the runner to record sync duration, result
 * and network-programming latency; call {@link #recordApply} with each reconciler result.
 */
public final class Metrics implements SyncRunner.Observer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);
    /** Default of --metrics-bind (kube-proxy's metrics port). */
    public static final String DEFAULT_BIND = "127.0.0.1:10249";

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
    private final Gauge rejected = Gauge.builder()
            .name("senda_rejected_objects")
            .help("Kubernetes objects currently rejected as malformed (see the log for the reasons).")
            .register(registry);
    private final Counter mapWrites = Counter.builder()
            .name("senda_map_writes_total")
            .help("Successful BPF map updates and deletes done by the reconciler.")
            .register(registry);
    /** Whether the last read of the datapath counters failed: failures are logged once per streak. */
    private final AtomicBoolean datapathReadFailing = new AtomicBoolean();
    private HTTPServer server;

    public Metrics() {
        // Export both series from the start so a scrape shows 0 rather than nothing.
        syncs.initLabelValues("success");
        syncs.initLabelValues("error");
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
    }

    /** Updates the programmed-object gauges and the write counter from one apply. */
    public void recordApply(ApplyResult result) {
        setProgrammed(result.services(), result.frontends(), result.backends());
        addMapWrites(result.writes());
    }

    public void setProgrammed(int serviceCount, int frontendCount, int backendCount) {
        services.set(serviceCount);
        frontends.set(frontendCount);
        backends.set(backendCount);
    }

    public void setRejectedObjects(int count) {
        rejected.set(count);
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
     * Exports {@code senda_source_files_rejected{reason="too_large"|"unparsable"|"unreadable"}}: how
     * many input files the source refuses right now, read at every scrape (every reason is always
     * present, 0 when none). A gauge of the current state, not a counter of events, so an alert on
     * {@code > 0} fires while a file is refused and clears when it is fixed. Call once.
     *
     * @param rejectedFiles e.g. {@code source::rejectedFiles}; called on scrape threads
     */
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
     * Starts the exporter: Prometheus text format at {@code http://ADDR:PORT/metrics}.
     *
     * @return the bound port (the real one when port 0 was asked for)
     * @throws IOException when the address cannot be bound (the message names it)
     */
    public synchronized int startHttp(BindAddress bind) throws IOException {
        if (server != null) throw new IllegalStateException("metrics exporter already started on port " + server.getPort());
        try {
            server = HTTPServer.builder()
                    .inetAddress(bind.address())
                    .port(bind.port())
                    .registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new IOException("cannot bind metrics server to " + bind + ": " + e.getMessage(), e);
        }
        LOG.info("metrics exporter listening on {}:{}/metrics", bind.address().getHostAddress(), server.getPort());
        return server.getPort();
    }

    /** Stops the exporter, if started. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
