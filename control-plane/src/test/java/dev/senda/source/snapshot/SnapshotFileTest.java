package dev.senda.source.snapshot;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The container: what goes in comes out, and any damage is refused as a whole. */
class SnapshotFileTest {
    private static final byte[] PAYLOAD = ("{\"writtenAt\":\"2026-01-01T00:00:00Z\",\"objects\":["
            + "{\"apiVersion\":\"v1\",\"kind\":\"Service\"},".repeat(40) + "{}]}").getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTripsAndCompresses() throws Exception {
        byte[] file = SnapshotFile.encode(PAYLOAD);
        assertArrayEquals(PAYLOAD, SnapshotFile.decode(file));
        assertTrue(file.length < PAYLOAD.length / 2, "a repetitive payload did not compress: " + file.length);
        assertArrayEquals(new byte[0], SnapshotFile.decode(SnapshotFile.encode(new byte[0])));
    }

    @Test
    void aPayloadThatDoesNotCompressRoundTripsToo() throws Exception {
        byte[] noise = new byte[200_000]; // larger than the first guess of the compressed size allows
        new java.util.Random(3).nextBytes(noise);
        byte[] file = SnapshotFile.encode(noise);
        assertArrayEquals(noise, SnapshotFile.decode(file));
        assertTrue(file.length > noise.length, "incompressible: " + file.length);
    }

    @Test
    void headerIsTheDocumentedLayout() {
        byte[] file = SnapshotFile.encode(PAYLOAD);
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals("SENDASNP", new String(file, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(SnapshotFile.VERSION, b.getInt(8));
        assertEquals(PAYLOAD.length, b.getInt(20));
        assertEquals(file.length - SnapshotFile.HEADER_BYTES, b.getInt(24));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] file = SnapshotFile.encode(PAYLOAD);
        for (int len = 0; len < file.length; len++) {
            byte[] cut = Arrays.copyOf(file, len);
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFile.decode(cut),
                    "truncated to " + len);
            assertTrue(e.getMessage().contains(len < SnapshotFile.HEADER_BYTES ? "truncated" : "checksum"),
                    len + ": " + e.getMessage());
        }
    }

    @Test
    void aFlippedBitAnywhereIsRefused() {
        byte[] file = SnapshotFile.encode(PAYLOAD);
        for (int i = 0; i < file.length; i++) {
            for (int bit = 0; bit < 8; bit += 7) {
                byte[] bad = file.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                assertThrows(CorruptSnapshotException.class, () -> SnapshotFile.decode(bad), "bit " + bit + " of byte " + at);
            }
        }
    }

    @Test
    void anotherVersionOrMagicIsRefusedByName() {
        byte[] file = SnapshotFile.encode(PAYLOAD);
        byte[] v2 = file.clone();
        ByteBuffer.wrap(v2).putInt(8, 2);
        CorruptSnapshotException version = assertThrows(CorruptSnapshotException.class, () -> SnapshotFile.decode(v2));
        assertEquals("format version 2, this agent reads version 1", version.getMessage());

        byte[] other = file.clone();
        other[0] = 'X';
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> SnapshotFile.decode(other)).getMessage().contains("magic"));
    }

    @Test
    void aLyingLengthIsRefusedEvenWithAMatchingChecksum() {
        // A writer bug, not damage: the checksum is right, the lengths are not.
        byte[] file = SnapshotFile.encode(PAYLOAD);
        ByteBuffer b = ByteBuffer.wrap(file);
        b.putInt(20, PAYLOAD.length + 1);
        b.putLong(12, net.jpountz.xxhash.XXHashFactory.safeInstance().hash64().hash(file, 20, file.length - 20, SnapshotFile.SEED));
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> SnapshotFile.decode(file)).getMessage().contains("LZ4"));
    }
}
