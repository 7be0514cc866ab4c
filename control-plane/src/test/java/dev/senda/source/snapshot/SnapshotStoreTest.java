package dev.senda.source.snapshot;

import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.Converters;
import dev.senda.source.Kinds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot on disk, end to end without a cluster: API objects written, model objects read back
 * through the kinds' converters; a damaged file ignored as a whole with one log line.
 */
class SnapshotStoreTest {
    private static final Instant AT = Instant.parse("2026-12-06T04:00:00Z");

    @TempDir
    Path tmp;

    static Service service() {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("web")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build())
                .withAnnotations(Map.of(SnapshotContent.LAST_APPLIED, "{\"huge\": true}", "keep", "me"))
                .endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.10").withClusterIPs("10.96.0.10")
                .withIpFamilies("IPv4").addNewPort().withName("http").withProtocol("TCP").withPort(80)
                .withNewTargetPort(8080).endPort().endSpec().build();
    }

    static EndpointSlice slice() {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("web-1")
                .withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
                .addNewEndpoint().withAddresses("10.244.1.5").withNewConditions().withReady(true).endConditions()
                .withNodeName("n1").endEndpoint().build();
    }

    static io.fabric8.kubernetes.api.model.Node node() {
        return new NodeBuilder().withNewMetadata().withName("n1").withLabels(Map.of("topology.kubernetes.io/zone", "z1"))
                .endMetadata().withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.168.1.1").endAddress()
                .endStatus().build();
    }

    @Test
    void roundTripsEveryKindThroughTheConverters() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp.resolve("state"));
        Service svc = service();
        List<HasMetadata> objects = List.of(svc, slice(), node());
        long bytes = store.write(AT, objects);

        assertEquals(bytes, Files.size(store.file()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state"))));
        try (var listing = Files.list(tmp.resolve("state"))) {
            assertEquals(List.of(store.file()), listing.toList(), "a temporary file was left behind");
        }
        assertFalse(svc.getMetadata().getManagedFields().isEmpty(), "the cache's object was modified");

        SnapshotContent.Decoded d = store.load(Kinds.ALL).orElseThrow();
        assertEquals(AT, d.writtenAt());
        assertEquals(3, d.objects());
        assertTrue(d.skipped().isEmpty());
        Snapshot expected = Snapshot.builder()
                .put(Kinds.SERVICE, Converters.service(service()))
                .put(Kinds.ENDPOINT_SLICE, Converters.endpointSlice(slice()))
                .put(Kinds.NODE, Converters.node(node()))
                .build();
        assertTrue(expected.sameObjects(d.inputs()), "read back:\n" + d.inputs() + "\nexpected:\n" + expected);

        String json = new String(SnapshotFiles.decode(Files.readAllBytes(store.file())), StandardCharsets.UTF_8);
        assertFalse(json.contains("managedFields") || json.contains(SnapshotContent.LAST_APPLIED), json);
        assertTrue(json.contains("\"keep\":\"me\""), json);
    }

    @Test
    void objectsKeptAsTheirJsonWriteTheSameSnapshotAsTheObjects() throws Exception {
        Service onlyLastApplied = service();
        onlyLastApplied.getMetadata().setName("applied");
        onlyLastApplied.getMetadata().setAnnotations(Map.of(SnapshotContent.LAST_APPLIED, "{\"huge\": true}"));
        List<HasMetadata> objects = List.of(service(), onlyLastApplied, slice(), node());
        SnapshotStore fromObjects = new SnapshotStore(tmp.resolve("objects"));
        SnapshotStore fromJson = new SnapshotStore(tmp.resolve("json"));
        fromObjects.write(AT, objects);
        fromJson.writeJson(AT, objects.stream().map(o -> ObjectJson.of(SnapshotContent.objectJson(o))).toList());

        assertArrayEquals(Files.readAllBytes(fromObjects.file()), Files.readAllBytes(fromJson.file()));
        SnapshotContent.Decoded d = fromJson.load(Kinds.ALL).orElseThrow();
        assertEquals(4, d.objects());
        assertEquals(Converters.service(onlyLastApplied), d.inputs().all(Kinds.SERVICE).get(new ObjectRef("default", "applied")));
        String json = new String(SnapshotFiles.decode(Files.readAllBytes(fromJson.file())), StandardCharsets.UTF_8);
        assertFalse(json.contains("managedFields") || json.contains(SnapshotContent.LAST_APPLIED), json);
        assertTrue(json.startsWith("{\"writtenAt\":\"2026-12-06T04:00:00Z\",\"objects\":[{"), json);
        assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("objects").isArray(), json);
    }

    @Test
    void anEmptyListOfJsonIsASnapshotWithoutObjects() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.writeJson(AT, List.of());
        SnapshotContent.Decoded d = store.load(Kinds.ALL).orElseThrow();
        assertEquals(0, d.objects());
        assertEquals(AT, d.writtenAt());
    }

    @Test
    void aNewerWriteReplacesTheOldOne() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(AT, List.of(service(), slice()));
        store.write(AT.plusSeconds(1), List.of(slice()));
        SnapshotContent.Decoded d = store.load(Kinds.ALL).orElseThrow();
        assertEquals(AT.plusSeconds(1), d.writtenAt());
        assertTrue(d.inputs().all(Kinds.SERVICE).isEmpty());
        assertEquals(1, d.inputs().all(Kinds.ENDPOINT_SLICE).size());
    }

    @Test
    void kindsThisAgentDoesNotConsumeAreSkippedAndCounted() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(AT, List.of(service(), new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("d")
                .endMetadata().build()));
        SnapshotContent.Decoded d = store.load(Kinds.ALL).orElseThrow();
        assertEquals(Map.of("v1 ConfigMap", 1), d.skipped());
        assertEquals(1, d.objects());
        // and a kind the snapshot lacks reads as empty: an agent that consumed fewer kinds wrote it
        SnapshotContent.Decoded onlyServices = store.load(List.of(Kinds.SERVICE)).orElseThrow();
        assertTrue(onlyServices.inputs().all(Kinds.NODE).isEmpty());
    }

    @Test
    void noFileIsNoSnapshot() {
        assertEquals(Optional.empty(), new SnapshotStore(tmp.resolve("absent")).load(Kinds.ALL));
    }

    @Test
    void aTruncatedFileIsIgnoredWithOneLogLine() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(AT, List.of(service(), slice(), node()));
        byte[] file = Files.readAllBytes(store.file());
        Files.write(store.file(), Arrays.copyOf(file, file.length - 7));
        assertIgnored(store, "truncated: the file ends inside the header of frame 2");
        Files.write(store.file(), Arrays.copyOf(file, 5));
        assertIgnored(store, "truncated");
    }

    @Test
    void aFlippedByteIsIgnoredWithOneLogLine() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(AT, List.of(service(), slice(), node()));
        byte[] file = Files.readAllBytes(store.file());
        file[file.length / 2] ^= 0x40;
        Files.write(store.file(), file);
        assertIgnored(store, "checksum mismatch");
    }

    @Test
    void anotherFormatVersionIsIgnoredWithOneLogLine() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(AT, List.of(service()));
        byte[] file = Files.readAllBytes(store.file());
        ByteBuffer.wrap(file).putInt(8, 7);
        Files.write(store.file(), file);
        assertIgnored(store, "format version 7, this agent reads versions 1 and 2");
    }

    @Test
    void anObjectThatDoesNotReadAsItsKindSpoilsTheWholeSnapshot() throws Exception {
        // A valid container around content this agent cannot read: nothing of it is used, not even the good object.
        String json = "{\"writtenAt\":\"" + AT + "\",\"objects\":["
                + "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"ok\",\"namespace\":\"d\"}},"
                + "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"bad\",\"namespace\":\"d\"},"
                + "\"spec\":{\"ports\":\"eighty\"}}]}";
        SnapshotStore store = new SnapshotStore(tmp);
        Files.write(store.file(), SnapshotFiles.encode(json.getBytes(StandardCharsets.UTF_8)));
        assertIgnored(store, "object 1 does not read as a v1 Service");
    }

    @Test
    void aDamagedLastChunkSpoilsTheObjectsReadBeforeIt() throws Exception {
        // The objects of the first chunks convert before the last chunk is read: none of them may be used.
        List<HasMetadata> services = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Service s = service();
            s.getMetadata().setName("web-" + i);
            services.add(s);
        }
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(AT, services);
        byte[] file = Files.readAllBytes(store.file());
        List<SnapshotFiles.Frame> frames = SnapshotFiles.frames(file);
        assertTrue(frames.size() >= 3, "the payload spans chunks: " + frames.size() + " frames");
        assertEquals(2000, store.load(Kinds.ALL).orElseThrow().inputs().all(Kinds.SERVICE).size());
        SnapshotFiles.Frame last = frames.get(frames.size() - 2);
        file[last.end() - 1] ^= 0x10;
        Files.write(store.file(), file);
        assertIgnored(store, "frame " + (frames.size() - 1) + ": checksum mismatch");
    }

    @Test
    void jsonBeyondTheEnvelopeOrCutShortIsRefused() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        String ok = "{\"writtenAt\":\"" + AT + "\",\"objects\":[]}";
        Files.write(store.file(), SnapshotFiles.encode((ok + "{}").getBytes(StandardCharsets.UTF_8)));
        assertIgnored(store, "payload has more after its JSON object");
        Files.write(store.file(), SnapshotFiles.encode(ok.substring(0, ok.length() - 2).getBytes(StandardCharsets.UTF_8)));
        assertIgnored(store, "payload is not JSON");
        Files.write(store.file(), SnapshotFiles.encode("{\"objects\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertIgnored(store, "payload has no valid writtenAt");
        Files.write(store.file(), SnapshotFiles.encode(("{\"writtenAt\":\"" + AT + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertIgnored(store, "payload has no objects array");
        // a field a later envelope may add is passed over
        Files.write(store.file(), SnapshotFiles.encode(("{\"later\":{\"a\":[1,{}]},\"writtenAt\":\"" + AT + "\",\"objects\":[]}")
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(AT, store.load(Kinds.ALL).orElseThrow().writtenAt());
    }

    /** {@code store.load} is empty and logged exactly one line, a WARN naming the file and {@code reason}. */
    private static void assertIgnored(SnapshotStore store, String reason) {
        String log = stderrOf(() -> {
            assertEquals(Optional.empty(), store.load(Kinds.ALL));
            return null;
        });
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one log line:\n" + log);
        assertTrue(lines.getFirst().contains("WARN") && lines.getFirst().contains("ignoring snapshot " + store.file())
                && lines.getFirst().contains(reason), lines.getFirst());
    }

    private static String stderrOf(Supplier<Void> action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            action.get();
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
