package dev.senda.source;

import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.test.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectorySourceTest {
    @TempDir
    Path dir;

    private final ObjectStore store = new ObjectStore();
    private final AtomicInteger changes = new AtomicInteger();
    private DirectorySource source;

    @AfterEach
    void close() {
        if (source != null) source.close();
    }

    private static String service(String ns, String name, String ip, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  clusterIP: %s
                  ports:
                  - port: %d
                """.formatted(name, ns, ip, port);
    }

    private static String slice(String name, String service, String address) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  labels:
                    kubernetes.io/service-name: %s
                addressType: IPv4
                ports:
                - port: 8080
                endpoints:
                - addresses: [%s]
                """.formatted(name, service, address);
    }

    private void start() {
        // A long rescan interval: these tests must pass on watch events alone.
        source = new DirectorySource(dir, Duration.ofMinutes(5));
        source.start(store, changes::incrementAndGet);
    }

    private Snapshot snap() {
        return store.snapshot();
    }

    private static ObjectRef ref(String ns, String name) {
        return new ObjectRef(ns, name);
    }

    /** Writes via a temporary file and a rename, as tools that replace files do. */
    private void writeAtomically(String name, String content) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void initialReadIsCompleteWhenStartReturns() throws IOException {
        Files.writeString(dir.resolve("web.yaml"),
                service("default", "web", "10.96.0.1", 80) + "---\n" + slice("web-1", "web", "10.244.0.1")
                        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n");
        Files.writeString(dir.resolve("db.yml"), service("data", "db", "10.96.0.2", 5432));
        Files.writeString(dir.resolve("notes.txt"), service("default", "ignored-txt", "10.96.0.3", 80));
        Files.writeString(dir.resolve(".hidden.yaml"), service("default", "ignored-hidden", "10.96.0.4", 80));

        start();

        assertTrue(source.hasSynced());
        assertEquals(1, changes.get(), "one onChange after the initial read");
        Snapshot s = snap();
        assertEquals(java.util.Set.of(ref("default", "web"), ref("data", "db")), s.services().keySet());
        assertEquals(java.util.Set.of(ref("default", "web-1")), s.endpointSlices().keySet());
        assertEquals("web", s.endpointSlices().get(ref("default", "web-1")).serviceName());
        assertEquals("10.96.0.1", s.services().get(ref("default", "web")).clusterIP());
        assertEquals(80, s.services().get(ref("default", "web")).ports().getFirst().port());
    }

    @Test
    void filesReadAheadAreTakenOnlyWhileTheirContentIsTheSame() throws Exception {
        for (int i = 0; i < 4; i++) {
            Files.writeString(dir.resolve("s" + i + ".yaml"), service("default", "s" + i, "10.96.0." + (i + 1), 80));
        }
        source = new DirectorySource(dir, Duration.ofMinutes(5));
        assertTrue(source.prepare());
        assertFalse(source.prepare(), "read ahead once");
        source.readAhead().get(10, java.util.concurrent.TimeUnit.SECONDS);
        // Changed after it was read ahead: the start must see the new content, not the old objects.
        Files.writeString(dir.resolve("s1.yaml"), service("default", "s1", "10.96.0.99", 8080));
        Files.delete(dir.resolve("s3.yaml"));

        source.start(store, changes::incrementAndGet);

        Snapshot s = snap();
        assertEquals(java.util.Set.of(ref("default", "s0"), ref("default", "s1"), ref("default", "s2")), s.services().keySet());
        assertEquals("10.96.0.99", s.services().get(ref("default", "s1")).clusterIP());
        assertEquals(8080, s.services().get(ref("default", "s1")).ports().getFirst().port());
        assertEquals("10.96.0.1", s.services().get(ref("default", "s0")).clusterIP());
        assertTrue(source.hasSynced());
    }

    @Test
    void nodesFlowIntoTheSnapshotClusterScoped() throws IOException {
        Files.writeString(dir.resolve("node.yaml"), """
                apiVersion: v1
                kind: Node
                metadata:
                  name: node-a
                  labels: {topology.kubernetes.io/zone: zone-1}
                status:
                  addresses:
                  - {type: InternalIP, address: 192.168.0.10}
                """);
        start();
        dev.senda.model.Node node = snap().all(Kinds.NODE).get(ref("", "node-a"));
        assertEquals(java.util.List.of(new dev.senda.model.Node.Address("InternalIP", "192.168.0.10")), node.addresses());
        assertEquals("zone-1", node.labels().get(dev.senda.model.Node.ZONE_LABEL));
    }

    @Test
    void emptyDirectoryIsSynced() {
        start();
        assertTrue(source.hasSynced());
        assertTrue(snap().services().isEmpty());
    }

    @Test
    void followsAddModifyDelete() throws IOException {
        start();
        Files.writeString(dir.resolve("a.yaml"), service("default", "a", "10.96.1.1", 80));
        Poll.until(() -> snap().services().containsKey(ref("default", "a")), "a added", this::snap);
        // The callback follows the store write on the watch thread: wait for it before counting.
        Poll.until(() -> changes.get() >= 2, "onChange after the addition", changes::get);
        int afterAdd = changes.get();

        Files.writeString(dir.resolve("a.yaml"), service("default", "a", "10.96.1.1", 8080));
        Poll.until(() -> snap().services().get(ref("default", "a")).ports().getFirst().port() == 8080,
                "a modified", this::snap);
        Poll.until(() -> changes.get() > afterAdd, "onChange after the modification", changes::get);

        writeAtomically("b.yaml", slice("b-1", "a", "10.244.1.1"));
        Poll.until(() -> snap().endpointSlices().containsKey(ref("default", "b-1")), "b added by rename", this::snap);

        Files.delete(dir.resolve("a.yaml"));
        Poll.until(() -> snap().services().isEmpty(), "a removed", this::snap);
        assertTrue(snap().endpointSlices().containsKey(ref("default", "b-1")), "other files unaffected");
    }

    @Test
    void brokenFileKeepsItsLastGoodObjects() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("default", "a", "10.96.2.1", 80));
        start();
        assertTrue(snap().services().containsKey(ref("default", "a")));

        // Break a.yaml, then add c.yaml: once c is seen, a rescan has read the broken a.yaml too.
        Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n");
        Files.writeString(dir.resolve("c.yaml"), service("default", "c", "10.96.2.3", 80));
        Poll.until(() -> snap().services().containsKey(ref("default", "c")), "c added", this::snap);
        assertEquals("10.96.2.1", snap().services().get(ref("default", "a")).clusterIP(), "a kept");

        // A type error (string where a number belongs) is a parse failure too.
        Files.writeString(dir.resolve("a.yaml"), service("default", "a", "10.96.2.1", 80).replace("port: 80", "port: eighty"));
        Files.writeString(dir.resolve("d.yaml"), service("default", "d", "10.96.2.4", 80));
        Poll.until(() -> snap().services().containsKey(ref("default", "d")), "d added", this::snap);
        assertEquals(80, snap().services().get(ref("default", "a")).ports().getFirst().port(), "a kept");

        // Fixed: the new content counts.
        Files.writeString(dir.resolve("a.yaml"), service("default", "a", "10.96.2.9", 80));
        Poll.until(() -> "10.96.2.9".equals(snap().services().get(ref("default", "a")).clusterIP()), "a fixed",
                this::snap);
    }

    @Test
    void brokenFileAtStartContributesNothingButDoesNotStopOthers() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "kind: Service\n  metadata: : :\n");
        Files.writeString(dir.resolve("good.yaml"), service("default", "good", "10.96.3.1", 80));
        start();
        assertEquals(java.util.Set.of(ref("default", "good")), snap().services().keySet());
        // Not synced at once (nothing may be pruned for a file caught mid-save), but within the grace.
        assertFalse(source.hasSynced(), "a file that failed at start holds the sync back");
        Poll.until(Duration.ofSeconds(30), source::hasSynced, "synced after the grace", source::hasSynced);
    }

    @Test
    void brokenFileAtStartThatGetsFixedSyncsWithItsObjects() throws IOException {
        Files.writeString(dir.resolve("half.yaml"), "kind: Service\n  metadata: : :\n");
        start();
        assertFalse(source.hasSynced());
        writeAtomically("half.yaml", service("default", "late", "10.96.3.2", 80));
        Poll.until(source::hasSynced, "synced once the file parses", source::hasSynced);
        assertTrue(snap().services().containsKey(ref("default", "late")),
                "the fixed file's objects are in the store by the time it reports synced");
    }

    @Test
    void lastFileWinsForDuplicates() throws IOException {
        Files.writeString(dir.resolve("1.yaml"), service("default", "dup", "10.96.4.1", 80));
        Files.writeString(dir.resolve("2.yaml"), service("default", "dup", "10.96.4.2", 80));
        start();
        assertEquals("10.96.4.2", snap().services().get(ref("default", "dup")).clusterIP());
        Files.delete(dir.resolve("2.yaml"));
        Poll.until(() -> "10.96.4.1".equals(snap().services().get(ref("default", "dup")).clusterIP()),
                "the remaining definition", this::snap);
    }

    @Test
    void periodicRescanWorksWithoutWatchEvents() throws IOException {
        // Watch events off: only the safety-net rescan can notice the new file.
        source = new DirectorySource(dir, Duration.ofMillis(100), DirectorySource.DEFAULT_MAX_FILE_BYTES, false, Kinds.ALL);
        source.start(store, changes::incrementAndGet);
        writeAtomically("e.yaml", service("default", "e", "10.96.5.1", 80));
        Poll.until(() -> snap().services().containsKey(ref("default", "e")), "e added by a rescan", this::snap);
        Poll.until(() -> changes.get() == 2, "onChange for the initial read and for e", changes::get);

        // Unchanged content is not re-applied: three rescans later nothing changed and no onChange came.
        long generation = store.generation();
        int notified = changes.get();
        long target = source.rescanCount() + 3;
        Poll.until(() -> source.rescanCount() >= target, "three more rescans", source::rescanCount);
        assertEquals(generation, store.generation());
        assertEquals(notified, changes.get());
    }

    @Test
    void rejectsMissingDirectoryAndDoubleStart() {
        DirectorySource missing = new DirectorySource(dir.resolve("nope"));
        assertThrows(IllegalArgumentException.class, () -> missing.start(store, () -> { }));
        start();
        assertThrows(IllegalStateException.class, () -> source.start(store, () -> { }));
        source.close();
        source.close(); // idempotent
        assertFalse(source.describe().isEmpty());
    }

    /** Services a.0 .. a.(n-1) in one file, about 150 bytes each. */
    private static String services(String prefix, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("---\n").append(service("default", prefix + i, "10.96.9." + (i % 250 + 1), 80));
        }
        return b.toString();
    }

    private void startWithMaxBytes(long maxFileBytes) {
        source = new DirectorySource(dir, Duration.ofMinutes(5), maxFileBytes);
        source.start(store, changes::incrementAndGet);
    }

    @Test
    void fileAboveTheBoundIsRefusedNamedAndReadOnceItFits() throws IOException {
        Files.writeString(dir.resolve("big.yaml"), services("big", 40));
        Files.writeString(dir.resolve("small.yaml"), service("default", "small", "10.96.8.1", 80));
        startWithMaxBytes(4096);

        assertEquals(java.util.Set.of(ref("default", "small")), snap().services().keySet(), "other files are read");
        RejectedFile r = source.rejectedFiles().getFirst();
        assertEquals(1, source.rejectedFiles().size());
        assertEquals(dir.resolve("big.yaml").toAbsolutePath(), r.file());
        assertEquals(RejectedFile.Reason.TOO_LARGE, r.reason());
        assertFalse(r.lastGoodKept(), "nothing was ever read from it");
        assertTrue(r.detail().contains("4096") && r.detail().contains(DirectorySource.MAX_FILE_BYTES_FLAG), r.detail());
        assertFalse(source.hasSynced(), "a refused file holds the first sync back, like an unparsable one");

        writeAtomically("big.yaml", services("big", 2));
        Poll.until(() -> source.rejectedFiles().isEmpty() && snap().services().size() == 3, "big.yaml read once it fits",
                this::snap);
        Poll.until(source::hasSynced, "synced", source::rejectedFiles);
    }

    @Test
    void fileThatGrowsAboveTheBoundKeepsItsLastGoodObjects() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("default", "a", "10.96.7.1", 80));
        startWithMaxBytes(4096);
        assertTrue(source.hasSynced());

        Files.writeString(dir.resolve("a.yaml"), services("a", 40));
        Poll.until(() -> !source.rejectedFiles().isEmpty(), "a.yaml refused", source::rejectedFiles);
        RejectedFile r = source.rejectedFiles().getFirst();
        assertEquals(RejectedFile.Reason.TOO_LARGE, r.reason());
        assertTrue(r.lastGoodKept());
        assertEquals(java.util.Set.of(ref("default", "a")), snap().services().keySet());
    }

    @Test
    void unparsableFileIsListedWithTheParserMessage() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n");
        start();
        RejectedFile r = source.rejectedFiles().getFirst();
        assertEquals(RejectedFile.Reason.UNPARSABLE, r.reason());
        assertTrue(r.detail().startsWith("line "), r.detail());
        assertFalse(r.lastGoodKept());
        Files.delete(dir.resolve("bad.yaml"));
        Poll.until(() -> source.rejectedFiles().isEmpty(), "a removed file is no longer listed", source::rejectedFiles);
    }
}
