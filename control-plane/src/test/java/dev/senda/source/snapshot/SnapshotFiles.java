package dev.senda.source.snapshot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Snapshot files in memory for tests: written and read whole, taken apart into frames, and version 1 made. */
final class SnapshotFiles {
    private SnapshotFiles() {
    }

    /** The version 2 file of {@code payload} in chunks of {@code chunkBytes}. */
    static byte[] encode(byte[] payload, int chunkBytes) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try {
            SnapshotWriter w = new SnapshotWriter(file, chunkBytes);
            w.write(payload);
            assertSize(w.finish(), file.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toByteArray();
    }

    /** As the agent writes it: chunks of {@link SnapshotFile#CHUNK_BYTES}. */
    static byte[] encode(byte[] payload) {
        return encode(payload, SnapshotFile.CHUNK_BYTES);
    }

    /** The payload of a file of any version this code reads, read to its end. */
    static byte[] decode(byte[] file) throws CorruptSnapshotException {
        try (InputStream payload = SnapshotFile.payload(new ByteArrayInputStream(file), file.length)) {
            return payload.readAllBytes();
        } catch (IOException e) {
            throw CorruptSnapshotException.unwrap(e).orElseThrow(() -> new UncheckedIOException(e));
        }
    }

    /**
     * Flips the lowest and the highest bit of every byte of {@code file} in turn, and asserts that each damaged
     * copy is refused as corrupt: no byte of a snapshot file goes unchecked.
     */
    static void assertEveryFlippedBitRefused(byte[] file) {
        for (int i = 0; i < file.length; i++) {
            for (int bit = 0; bit < 8; bit += 7) {
                byte[] bad = file.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                assertThrows(CorruptSnapshotException.class, () -> decode(bad),
                        "bit " + bit + " of byte " + at);
            }
        }
    }

    /** One frame of a version 2 file: where it starts, its lengths, its check. */
    record Frame(int offset, int uncompressed, int compressed, long check) {
        int end() {
            return offset + SnapshotFile.FRAME_HEADER_BYTES + compressed;
        }
    }

    /** The frames of a well-formed version 2 file, the end frame last. */
    static List<Frame> frames(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
        List<Frame> out = new ArrayList<>();
        int at = SnapshotFile.HEADER_BYTES;
        while (at < file.length) {
            Frame f = new Frame(at, b.getInt(at + 8), b.getInt(at + 12), b.getLong(at));
            out.add(f);
            at = f.end();
        }
        return out;
    }

    /** {@code file} with every frame's check recomputed: what a writer with a bug in its lengths would write. */
    static byte[] rechain(byte[] file) {
        byte[] out = file.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        long check = SnapshotFile.SEED;
        int at = SnapshotFile.HEADER_BYTES;
        while (at < out.length) {
            int compressed = Math.max(0, Math.min(b.getInt(at + 12), out.length - at - SnapshotFile.FRAME_HEADER_BYTES));
            check = SnapshotFile.HASH.hash(out, at + 8, 8 + compressed, check);
            b.putLong(at, check);
            at += SnapshotFile.FRAME_HEADER_BYTES + compressed;
        }
        return out;
    }

    /**
     * A version 1 file of {@code payload}, as the version 1 agent's encoder made it (kept here, not in
     * the agent, which writes version 2 only).
     */
    static byte[] encodeV1(byte[] payload) {
        byte[] out = new byte[28 + SnapshotFile.COMPRESSOR.maxCompressedLength(payload.length)];
        int compressed = SnapshotFile.COMPRESSOR.compress(payload, 0, payload.length, out, 28);
        ByteBuffer header = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        header.put(SnapshotFile.MAGIC).putInt(1).putLong(0).putInt(payload.length).putInt(compressed);
        int total = 28 + compressed;
        header.putLong(12, SnapshotFile.HASH.hash(out, 20, total - 20, SnapshotFile.SEED));
        return Arrays.copyOf(out, total);
    }

    private static void assertSize(long reported, int actual) {
        if (reported != actual) throw new AssertionError("finish() reported " + reported + " bytes, wrote " + actual);
    }
}
