package dev.senda.source.snapshot;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.senda.source.snapshot.SnapshotFiles.decode;
import static dev.senda.source.snapshot.SnapshotFiles.encode;
import static dev.senda.source.snapshot.SnapshotFiles.frames;
import static dev.senda.source.snapshot.SnapshotFiles.rechain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The container, format version 2: what goes in comes out, chunk by chunk, and any damage is refused as a whole. */
class SnapshotFileTest {
    private static final byte[] PAYLOAD = ("{\"writtenAt\":\"2026-01-01T00:00:00Z\",\"objects\":["
            + "{\"apiVersion\":\"v1\",\"kind\":\"Service\"},".repeat(40) + "{}]}").getBytes(StandardCharsets.UTF_8);
    private static final int CHUNK = 4096;

    private static byte[] noise(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Text that compresses somewhat, unlike noise, and differs along its length, unlike a repetition. */
    private static byte[] text(int length) {
        StringBuilder s = new StringBuilder(length + 64);
        for (int i = 0; s.length() < length; i++) s.append("{\"name\":\"svc-").append(i).append("\",\"port\":").append(i % 65536).append('}');
        return Arrays.copyOf(s.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

    @Test
    void roundTripsEmptyOneChunkAChunkBoundaryAndManyChunks() throws Exception {
        for (int size : new int[]{0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 37 * CHUNK + 5}) {
            byte[] payload = text(size);
            byte[] file = encode(payload, CHUNK);
            assertArrayEquals(payload, decode(file), "size " + size);
            List<SnapshotFiles.Frame> frames = frames(file);
            int chunks = (size + CHUNK - 1) / CHUNK;
            assertEquals(chunks + 1, frames.size(), "size " + size + ": one frame per chunk and the end frame");
            for (int i = 0; i < chunks; i++) {
                assertEquals(i < chunks - 1 ? CHUNK : size - (chunks - 1) * CHUNK, frames.get(i).uncompressed(), "size " + size + ", chunk " + i);
            }
            assertEquals(0, frames.getLast().uncompressed());
            assertEquals(0, frames.getLast().compressed());
            assertEquals(file.length, frames.getLast().end(), "the end frame ends the file");
        }
    }

    @Test
    void theAgentsChunkSizeCompressesAndTheLargestChunkAReaderTakesRoundTrips() throws Exception {
        byte[] file = encode(PAYLOAD);
        assertArrayEquals(PAYLOAD, decode(file));
        assertTrue(file.length < PAYLOAD.length / 2, "a repetitive payload did not compress: " + file.length);

        byte[] large = text(3 * SnapshotFile.MAX_CHUNK_BYTES + 1);
        byte[] atTheBound = encode(large, SnapshotFile.MAX_CHUNK_BYTES);
        assertEquals(SnapshotFile.MAX_CHUNK_BYTES, frames(atTheBound).getFirst().uncompressed());
        assertArrayEquals(large, decode(atTheBound));
    }

    @Test
    void aPayloadThatDoesNotCompressRoundTripsToo() throws Exception {
        byte[] noise = noise(200_000, 3);
        byte[] file = encode(noise, 65_536);
        assertArrayEquals(noise, decode(file));
        assertTrue(file.length > noise.length, "incompressible: " + file.length);
    }

    @Test
    void headerAndFramesAreTheDocumentedLayout() {
        byte[] file = encode(text(2 * CHUNK + 100), CHUNK);
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals("SENDASNP", new String(file, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(2, b.getInt(8));
        assertEquals(SnapshotFile.VERSION, b.getInt(8));
        long check = SnapshotFile.SEED;
        for (SnapshotFiles.Frame f : frames(file)) {
            check = SnapshotFile.HASH.hash(file, f.offset() + 8, 8 + f.compressed(), check);
            assertEquals(check, f.check(), "each frame's check: its lengths and block, seeded with the previous check");
        }
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] file = encode(text(3 * 200 + 17), 200);
        for (int len = 0; len < file.length; len++) {
            byte[] cut = Arrays.copyOf(file, len);
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> decode(cut), "truncated to " + len);
            assertTrue(e.getMessage().startsWith("truncated"), len + ": " + e.getMessage());
        }
        int lastChunkEnd = frames(file).getLast().offset();
        assertEquals("truncated: the file ends after chunk 4, without its end frame",
                assertThrows(CorruptSnapshotException.class, () -> decode(Arrays.copyOf(file, lastChunkEnd))).getMessage());
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] file = encode(PAYLOAD, CHUNK);
        for (byte[] tail : new byte[][]{{0}, new byte[16], file}) {
            byte[] longer = Arrays.copyOf(file, file.length + tail.length);
            System.arraycopy(tail, 0, longer, file.length, tail.length);
            assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(longer)).getMessage().startsWith("trailing bytes after the end frame"));
        }
    }

    @Test
    void aFlippedBitAnywhereIsRefused() {
        byte[] file = encode(text(700), 256);
        SnapshotFiles.assertEveryFlippedBitRefused(file);
    }

    @Test
    void eachFieldsDamageIsNamed() {
        byte[] file = encode(text(3 * CHUNK), CHUNK);
        SnapshotFiles.Frame second = frames(file).get(1);

        byte[] magic = file.clone();
        magic[0] = 'X';
        assertEquals("not a Senda snapshot (wrong magic)", assertThrows(CorruptSnapshotException.class, () -> decode(magic)).getMessage());

        byte[] version = file.clone();
        ByteBuffer.wrap(version).putInt(8, 7);
        assertEquals("format version 7, this agent reads versions 1 and 2",
                assertThrows(CorruptSnapshotException.class, () -> decode(version)).getMessage());

        byte[] length = file.clone();
        ByteBuffer.wrap(length).putInt(second.offset() + 8, CHUNK - 1); // in range: the check catches it
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(length)).getMessage()
                .startsWith("frame 2: checksum mismatch"));

        byte[] block = file.clone();
        block[second.end() - 1] ^= 1;
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(block)).getMessage().startsWith("frame 2: checksum mismatch"));

        byte[] check = file.clone();
        check[second.offset()] ^= 1;
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(check)).getMessage().startsWith("frame 2: checksum mismatch"));
    }

    @Test
    void aLengthOutOfRangeIsRefusedBeforeItDecidesAnAllocation() {
        byte[] file = encode(text(3 * CHUNK), CHUNK);
        int second = frames(file).get(1).offset();
        for (int bad : new int[]{SnapshotFile.MAX_CHUNK_BYTES + 1, Integer.MAX_VALUE, -1}) {
            byte[] chunk = file.clone();
            ByteBuffer.wrap(chunk).putInt(second + 8, bad);
            assertEquals("frame 2: chunk length " + Integer.toUnsignedString(bad) + " out of range (1 to " + SnapshotFile.MAX_CHUNK_BYTES + ")",
                    assertThrows(CorruptSnapshotException.class, () -> decode(chunk)).getMessage());
            byte[] blockLength = file.clone();
            ByteBuffer.wrap(blockLength).putInt(second + 12, bad);
            assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(blockLength)).getMessage()
                    .startsWith("frame 2: block length " + Integer.toUnsignedString(bad) + " out of range"));
        }
        byte[] zero = file.clone();
        ByteBuffer.wrap(zero).putInt(second + 8, 0); // u = 0 with c > 0: neither a chunk nor the end frame
        assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(zero)).getMessage().startsWith("frame 2: chunk length 0 out of range"));
    }

    @Test
    void aHostileFrameAtTheBoundsMakesTheReaderAllocateNoMoreThanOneChunk() {
        // The largest lengths a reader accepts, then no block: the reader's buffers for it are all it may allocate.
        int bound = SnapshotFile.COMPRESSOR.maxCompressedLength(SnapshotFile.MAX_CHUNK_BYTES);
        ByteBuffer hostile = ByteBuffer.allocate(SnapshotFile.HEADER_BYTES + SnapshotFile.FRAME_HEADER_BYTES + 1000);
        hostile.put(SnapshotFile.MAGIC).putInt(SnapshotFile.VERSION).putLong(0).putInt(SnapshotFile.MAX_CHUNK_BYTES).putInt(bound);
        long allocated = Allocations.ofThisThread(() -> assertTrue(assertThrows(CorruptSnapshotException.class,
                () -> decode(hostile.array())).getMessage().startsWith("truncated: the file ends inside the block of frame 1")));
        assertTrue(allocated < 2L * SnapshotFile.MAX_CHUNK_BYTES, "allocated " + allocated + " bytes");
    }

    @Test
    void aLyingLengthIsRefusedEvenWithMatchingChecks() {
        // A writer bug, not damage: the checks are right, the lengths are not.
        byte[] file = encode(text(3 * CHUNK), CHUNK);
        int second = frames(file).get(1).offset();
        byte[] longer = file.clone();
        ByteBuffer.wrap(longer).putInt(second + 8, CHUNK + 1);
        String m = assertThrows(CorruptSnapshotException.class, () -> decode(rechain(longer))).getMessage();
        assertTrue(m.startsWith("frame 2: LZ4 block"), m);
    }

    @Test
    void aMissingRepeatedOrReorderedChunkIsRefused() {
        byte[] file = encode(text(4 * CHUNK), CHUNK);
        List<SnapshotFiles.Frame> f = frames(file);
        byte[] second = Arrays.copyOfRange(file, f.get(1).offset(), f.get(1).end());
        byte[] third = Arrays.copyOfRange(file, f.get(2).offset(), f.get(2).end());

        byte[] dropped = concat(Arrays.copyOf(file, f.get(1).offset()), Arrays.copyOfRange(file, f.get(2).offset(), file.length));
        byte[] repeated = concat(Arrays.copyOf(file, f.get(2).offset()), second, Arrays.copyOfRange(file, f.get(2).offset(), file.length));
        byte[] swapped = concat(Arrays.copyOf(file, f.get(1).offset()), third, second, Arrays.copyOfRange(file, f.get(3).offset(), file.length));
        byte[] endMovedUp = concat(Arrays.copyOf(file, f.get(3).offset()), Arrays.copyOfRange(file, f.getLast().offset(), file.length));
        for (byte[] bad : List.of(dropped, repeated, swapped, endMovedUp)) {
            assertTrue(assertThrows(CorruptSnapshotException.class, () -> decode(bad)).getMessage().contains("checksum mismatch"));
        }
    }

    @Test
    void writingAndReadingALargePayloadHoldOnlyAChunkAtATime() throws Exception {
        // 32 MB of payload, written as the agent writes it (object after object into the stream) to a sink
        // that keeps nothing: the writer's allocations must stay a fraction of the payload (its two buffers,
        // and LZ4's hash table of 16 KiB per chunk), which no copy of the payload, or of a compressed whole, could.
        byte[] object = text(900);
        int objects = 32 * 1024 * 1024 / object.length;
        List<ObjectJson> json = java.util.Collections.nCopies(objects, ObjectJson.of(object));
        long payloadBytes = (long) objects * (object.length + 1);
        CountingSink sink = new CountingSink();
        // once before measuring: the first use loads and initializes classes (Jackson's and fabric8's among them)
        SnapshotContent.writeJson(java.time.Instant.EPOCH, json.subList(0, 10), SnapshotFile.writer(new CountingSink()));
        long writing = Allocations.ofThisThread(() -> {
            SnapshotWriter w = SnapshotFile.writer(sink);
            SnapshotContent.writeJson(java.time.Instant.EPOCH, json, w);
            long size = w.finish();
            assertEquals(sink.bytes, size);
        });
        int largestFrame = SnapshotFile.FRAME_HEADER_BYTES + SnapshotFile.COMPRESSOR.maxCompressedLength(SnapshotFile.CHUNK_BYTES);
        assertTrue(sink.largestWrite <= largestFrame, "a write of " + sink.largestWrite + " bytes, more than one frame");
        assertTrue(writing < payloadBytes / 8, "writing " + payloadBytes + " bytes of payload allocated " + writing + " bytes");

        // and back: a file of that size read through the payload stream into a small buffer
        byte[] file = encode(text((int) payloadBytes));
        decode(encode(text(10)));
        long reading = Allocations.ofThisThread(() -> {
            try (java.io.InputStream in = SnapshotFile.payload(new java.io.ByteArrayInputStream(file), file.length)) {
                byte[] piece = new byte[8192];
                long n = 0;
                for (int got; (got = in.read(piece)) >= 0; ) n += got;
                assertEquals(payloadBytes, n);
            }
        });
        assertTrue(reading < payloadBytes / 8, "reading " + payloadBytes + " bytes of payload allocated " + reading + " bytes");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Keeps nothing: counts bytes and the largest single write. */
    private static final class CountingSink extends java.io.OutputStream {
        long bytes;
        int largestWrite;

        @Override
        public void write(int b) {
            bytes++;
            largestWrite = Math.max(largestWrite, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
            largestWrite = Math.max(largestWrite, len);
        }
    }
}
