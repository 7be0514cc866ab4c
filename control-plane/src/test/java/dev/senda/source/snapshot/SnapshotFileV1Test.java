package dev.senda.source.snapshot;

import dev.senda.model.ObjectRef;
import dev.senda.source.Kinds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import static dev.senda.source.snapshot.SnapshotFiles.decode;
import static dev.senda.source.snapshot.SnapshotFiles.encodeV1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Format version 1, which agents wrote before version 2: still read, with its own checks, and replaced at the next write. */
class SnapshotFileV1Test {
    private static final byte[] PAYLOAD = ("{\"writtenAt\":\"2026-01-01T00:00:00Z\",\"objects\":["
            + "{\"apiVersion\":\"v1\",\"kind\":\"Service\"},".repeat(40) + "{}]}").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    /** A file the version 1 agent wrote (SnapshotStore.write of a Service, its EndpointSlice and a ConfigMap). */
    private static byte[] writtenByTheVersion1Agent() throws Exception {
        try (InputStream in = SnapshotFileV1Test.class.getResourceAsStream("/snapshot/inputs-v1.snapshot")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFileTheVersion1AgentWroteIsReadAndReplacedByVersion2AtTheNextWrite() throws Exception {
        byte[] v1 = writtenByTheVersion1Agent();
        assertEquals(1, ByteBuffer.wrap(v1).getInt(8));
        SnapshotStore store = new SnapshotStore(tmp);
        Files.write(store.file(), v1);

        SnapshotContent.Decoded d = store.load(Kinds.ALL).orElseThrow();
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), d.writtenAt());
        assertEquals(2, d.objects());
        assertEquals(Map.of("v1 ConfigMap", 1), d.skipped());
        assertTrue(d.inputs().all(Kinds.SERVICE).containsKey(new ObjectRef("default", "web")));
        assertEquals(1, d.inputs().all(Kinds.ENDPOINT_SLICE).size());

        store.write(d.writtenAt().plusSeconds(1), java.util.List.of(SnapshotStoreTest.service()));
        assertEquals(SnapshotFile.VERSION, ByteBuffer.wrap(Files.readAllBytes(store.file())).getInt(8), "only version 2 is written");
    }

    @Test
    void roundTripsThroughTheVersion1Encoder() throws Exception {
        assertArrayEquals(PAYLOAD, decode(encodeV1(PAYLOAD)));
        assertArrayEquals(new byte[0], decode(encodeV1(new byte[0])));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] file = encodeV1(PAYLOAD);
        for (int len = 0; len < file.length; len++) {
            byte[] cut = Arrays.copyOf(file, len);
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> decode(cut), "truncated to " + len);
            assertTrue(e.getMessage().contains(len < 28 ? "truncated" : "checksum"), len + ": " + e.getMessage());
        }
    }

    @Test
    void aFlippedBitAnywhereIsRefused() {
        byte[] file = encodeV1(PAYLOAD);
        SnapshotFiles.assertEveryFlippedBitRefused(file);
    }

    @Test
    void aLyingLengthIsRefusedEvenWithAMatchingChecksum() {
        byte[] file = encodeV1(PAYLOAD);
        ByteBuffer b = ByteBuffer.wrap(file);
        b.putInt(20, PAYLOAD.length + 1);
        b.putLong(12, SnapshotFile.HASH.hash(file, 20, file.length - 20, SnapshotFile.SEED));
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(file)).getMessage().contains("LZ4"));
    }
}
