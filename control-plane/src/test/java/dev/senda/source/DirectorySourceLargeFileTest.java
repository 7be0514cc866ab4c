package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster-sized dump, as {@code kubectl get services,endpointslices -A -o yaml} writes it: one List
 * document of 10,000 Services and 10,000 EndpointSlices with 10 endpoints each, above 20 MB. It used
 * to be refused (16 MiB bound) and, below that, would have hit SnakeYAML's 3 Mi code points per
 * document; now it is read completely, item by item.
 *
 * <p>Prints how long the read took and the heap in use afterwards: figures, not assertions.
 */
class DirectorySourceLargeFileTest {
    private static final int SERVICES = 10_000;
    private static final int ENDPOINTS_PER_SLICE = 10;

    @TempDir
    Path dir;
    private DirectorySource source;

    @AfterEach
    void close() {
        if (source != null) source.close();
    }

    @Test
    void aTwentyMegabyteDumpIsReadCompletely() throws IOException {
        Path file = dir.resolve("dump.yaml");
        writeDump(file);
        long bytes = Files.size(file);
        assertTrue(bytes > 20_000_000, "the dump should be above 20 MB, is " + bytes);

        ObjectStore store = new ObjectStore();
        long heapBefore = usedHeapAfterGc();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        source = new DirectorySource(dir, Duration.ofMinutes(5));
        source.start(store, () -> { }); // reads synchronously, on this thread
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        long heapAfter = usedHeapAfterGc();

        assertTrue(source.hasSynced());
        assertEquals(List.of(), source.rejectedFiles());
        Snapshot s = store.snapshot();
        assertEquals(SERVICES, s.services().size());
        assertEquals(SERVICES, s.endpointSlices().size());
        assertEquals(SERVICES * ENDPOINTS_PER_SLICE,
                s.endpointSlices().values().stream().mapToInt(slice -> slice.endpoints().size()).sum());
        // First and last items intact: nothing cut off at either end.
        assertEquals("10.96.0.1", s.services().get(new ObjectRef("ns-0", "svc-00000")).clusterIP());
        EndpointSlice last = s.endpointSlices().get(new ObjectRef("ns-19", "svc-09999-abcde"));
        assertEquals("svc-09999", last.serviceName());
        assertEquals(List.of(address(SERVICES - 1, ENDPOINTS_PER_SLICE - 1)), last.endpoints().getLast().addresses());

        // Wall time depends on what else runs on the machine; the reading thread's CPU time less so.
        System.out.printf("[figure] read %.1f MB (%,d Services, %,d EndpointSlices, %,d endpoints, one List document) "
                        + "in %,d ms (%,d ms CPU on the reading thread, cold JIT); heap in use after GC: %,d MB "
                        + "before, %,d MB after (the store's objects)%n",
                bytes / 1e6, SERVICES, SERVICES, SERVICES * ENDPOINTS_PER_SLICE, millis, cpuMillis,
                heapBefore >> 20, heapAfter >> 20);
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc(); // for the printed figure only; nothing is asserted on it
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String address(int service, int endpoint) {
        int n = service * ENDPOINTS_PER_SLICE + endpoint;
        return "10.244." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    /** Streams the dump to disk: the test never holds its text either. */
    private static void writeDump(Path file) throws IOException {
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            w.write("apiVersion: v1\nitems:\n");
            for (int i = 0; i < SERVICES; i++) writeService(w, i);
            for (int i = 0; i < SERVICES; i++) writeSlice(w, i);
            w.write("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
        }
    }

    private static void writeService(Writer w, int i) throws IOException {
        String name = "svc-%05d".formatted(i);
        String ip = "10.96." + (i >> 8 & 0xff) + "." + (i & 0xff | 1);
        w.write("""
                - apiVersion: v1
                  kind: Service
                  metadata:
                    creationTimestamp: "2025-03-01T10:00:00Z"
                    labels:
                      app: %1$s
                    name: %1$s
                    namespace: ns-%2$d
                    resourceVersion: "%3$d"
                  spec:
                    clusterIP: %4$s
                    clusterIPs:
                    - %4$s
                    ipFamilies:
                    - IPv4
                    ports:
                    - name: http
                      port: 80
                      protocol: TCP
                      targetPort: 8080
                    selector:
                      app: %1$s
                    sessionAffinity: None
                    type: ClusterIP
                """.formatted(name, i % 20, 100_000 + i, ip));
    }

    private static void writeSlice(Writer w, int i) throws IOException {
        String service = "svc-%05d".formatted(i);
        w.write("""
                - addressType: IPv4
                  apiVersion: discovery.k8s.io/v1
                  endpoints:
                """);
        for (int e = 0; e < ENDPOINTS_PER_SLICE; e++) {
            w.write("""
                      - addresses:
                        - %s
                        conditions:
                          ready: true
                        nodeName: node-%03d
                        targetRef:
                          kind: Pod
                          name: %s-7d9f8c6b5-%05d
                    """.formatted(address(i, e), e * 7 % 100, service, e));
        }
        w.write("""
                  kind: EndpointSlice
                  metadata:
                    labels:
                      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
                      kubernetes.io/service-name: %1$s
                    name: %1$s-abcde
                    namespace: ns-%2$d
                  ports:
                  - name: http
                    port: 8080
                    protocol: TCP
                """.formatted(service, i % 20));
    }
}
