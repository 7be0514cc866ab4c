package dev.senda.agent;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.TargetPort;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.SyncReason;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9's figure, with in-memory maps: 10,000 ClusterIP Services x 10 endpoints, then 200 changes of
 * one endpoint each (a ready flip of a different Service each time), each synced on its own. Prints the
 * cold full sync's time and p50/p99 of "change put in the store -> sync returned with the maps written";
 * asserts only what the maps hold, never a time.
 */
class IncrementalSyncScaleTest {
    static final int SERVICES = 10_000;
    static final int ENDPOINTS = 10;
    static final int CHANGES = 200;

    @Test
    void oneEndpointChangeAtTenThousandServices() throws Exception {
        run(LbMaps.inMemory(), "in-memory maps");
    }

    /** The scenario into {@code maps} (empty), its figures printed under {@code label}. */
    static void run(LbMaps maps, String label) throws Exception {
        ObjectStore store = new ObjectStore();
        for (int i = 0; i < SERVICES; i++) {
            store.put(Kinds.SERVICE, service(i));
            store.put(Kinds.ENDPOINT_SLICE, slice(i, -1));
        }
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = new ServiceSync(store, TestSource.synced(), new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps), metrics);
            long t0 = System.nanoTime();
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            long cold = System.nanoTime() - t0;
            assertEquals(SERVICES * (ENDPOINTS + 1), maps.services().entries().size());

            long gcBefore = gcMillis();
            long[] latencies = new long[CHANGES];
            for (int c = 0; c < CHANGES; c++) {
                int svc = (c * 37) % SERVICES;
                long start = System.nanoTime();
                store.put(Kinds.ENDPOINT_SLICE, slice(svc, c % ENDPOINTS)); // one endpoint not ready
                assertTrue(sync.sync(SyncReason.REQUESTED).complete());
                latencies[c] = System.nanoTime() - start;
                store.put(Kinds.ENDPOINT_SLICE, slice(svc, -1)); // and back, in the next sync
                assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            }
            long gc = gcMillis() - gcBefore;
            long p0 = System.nanoTime();
            assertTrue(sync.sync(SyncReason.PERIODIC).complete());
            long periodic = System.nanoTime() - p0;
            assertEquals(SERVICES * (ENDPOINTS + 1), maps.services().entries().size());
            // a flipped endpoint leaves the header's count at 9, then back at 10
            assertEquals(ENDPOINTS, maps.services().entries().get(header(maps, 0)).count());

            Arrays.sort(latencies);
            System.out.printf("incremental sync at %,d Services x %d endpoints (%s): cold full sync %.0f ms, "
                            + "periodic full sync %.0f ms; one endpoint change, put -> maps written, over %d changes: "
                            + "p50 %.2f ms, p99 %.2f ms, max %.2f ms (GC during the %d syncs: %d ms; load average %.1f)%n",
                    SERVICES, ENDPOINTS, label, cold / 1e6, periodic / 1e6, CHANGES, latencies[CHANGES / 2] / 1e6,
                    latencies[CHANGES * 99 / 100 - 1] / 1e6, latencies[CHANGES - 1] / 1e6, 2 * CHANGES, gc,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static long gcMillis() {
        long total = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) total += Math.max(0, gc.getCollectionTime());
        return total;
    }

    private static ServiceKey header(LbMaps maps, int svc) {
        String vip = vip(svc);
        return maps.services().entries().keySet().stream()
                .filter(k -> k.slot() == 0 && k.address().toString().equals(vip)).findFirst().orElseThrow();
    }

    static String vip(int i) {
        return "10.96." + (i / 250) + "." + (1 + i % 250);
    }

    static Service service(int i) {
        return Service.clusterIp(new ObjectRef("ns" + (i % 20), "svc-" + i), vip(i),
                List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null)));
    }

    /** The Service's slice of {@link #ENDPOINTS} endpoints, endpoint {@code notReady} not ready (-1: all ready). */
    static EndpointSlice slice(int i, int notReady) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int e = 0; e < ENDPOINTS; e++) {
            int n = i * ENDPOINTS + e;
            String ip = "10." + (128 + n / 65536) + "." + ((n / 256) % 256) + "." + (n % 256);
            endpoints.add(new Endpoint(List.of(ip), new EndpointConditions(e != notReady, e != notReady, false),
                    "n" + (e % 3), null, null));
        }
        return new EndpointSlice(new ObjectRef("ns" + (i % 20), "svc-" + i + "-abcde"),
                Map.of(EndpointSlice.SERVICE_NAME_LABEL, "svc-" + i), "svc-" + i, "IPv4",
                List.of(new SlicePort("http", "TCP", 8080, null)), endpoints);
    }
}
