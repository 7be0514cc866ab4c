package dev.senda.agent;

import dev.senda.maps.metrics.DatapathEvent;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** senda_datapath_events_total is read at scrape time, and a failing read never fails the scrape. */
class DatapathEventsMetricsTest {

    private static Map<DatapathEvent, Long> counts(long rejectTcp) {
        Map<DatapathEvent, Long> m = new EnumMap<>(DatapathEvent.class);
        for (DatapathEvent e : DatapathEvent.values()) m.put(e, 0L);
        m.put(DatapathEvent.TC_REJECT_TCP, rejectTcp);
        m.put(DatapathEvent.SOCK_TRANSLATED, 123_456_789_012L);
        return m;
    }

    private static HttpResponse<String> scrape(HttpClient client, int port) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyEventIsExportedWithItsCurrentCount() throws Exception {
        AtomicReference<Map<DatapathEvent, Long>> now = new AtomicReference<>(counts(5));
        AtomicInteger reads = new AtomicInteger();
        try (Metrics metrics = new Metrics();
             HttpClient client = HttpClient.newHttpClient()) {
            metrics.exportDatapathEvents(() -> {
                reads.incrementAndGet();
                return now.get();
            });
            assertEquals(0, reads.get(), "nothing is read before a scrape");
            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));

            String body = scrape(client, port).body();
            assertTrue(body.contains("# TYPE senda_datapath_events_total counter"), body);
            assertTrue(body.contains("senda_datapath_events_total{event=\"tc_reject_tcp\"} 5.0"), body);
            assertTrue(body.contains("senda_datapath_events_total{event=\"sock_translated\"} 1.23456789012E11"), body);
            for (DatapathEvent e : DatapathEvent.values()) {
                assertTrue(body.contains("senda_datapath_events_total{event=\"" + e.metricName() + "\"} "),
                        "missing " + e.metricName() + " in:\n" + body);
            }

            now.set(counts(8));
            assertTrue(scrape(client, port).body().contains("senda_datapath_events_total{event=\"tc_reject_tcp\"} 8.0"),
                    "each scrape reads the map again");
            assertTrue(reads.get() >= 2);
        }
    }

    @Test
    void aFailingReadLeavesTheSeriesOutAndTheScrapeSucceeds() throws Exception {
        AtomicReference<RuntimeException> failure = new AtomicReference<>(new IllegalStateException("map is gone"));
        try (Metrics metrics = new Metrics();
             HttpClient client = HttpClient.newHttpClient()) {
            metrics.exportDatapathEvents(() -> {
                RuntimeException e = failure.get();
                if (e != null) throw e;
                return counts(1);
            });
            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = scrape(client, port);
                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("senda_sync_total{result=\"success\"} 0.0"), "other metrics still served");
                assertFalse(r.body().contains("senda_datapath_events_total{"), r.body());
            }
            failure.set(null);
            assertTrue(scrape(client, port).body().contains("senda_datapath_events_total{event=\"tc_reject_tcp\"} 1.0"),
                    "the series comes back once the map can be read");
        }
    }
}
