package dev.senda.source.snapshot;

import net.jpountz.lz4.LZ4Exception;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads format version 1 of the snapshot file, which agents wrote up to December 2026 and which is
 * no longer written ({@link SnapshotFile} has the current format): read so that an agent upgraded on
 * a node still finds the snapshot its predecessor left.
 *
 * <p>Layout, every integer big-endian, no padding:
 * <pre>
 * offset size field
 *      0    8 magic "SENDASNP" (ASCII)
 *      8    4 format version, 1
 *     12    8 xxHash64 (seed {@link SnapshotFile#SEED}) of every byte from offset 20 to the end of the file
 *     20    4 payload length, uncompressed
 *     24    4 payload length, compressed: exactly the number of bytes after the header
 *     28    n the payload as one LZ4 block
 * </pre>
 * One block cannot be read in parts: this reader holds the whole file and the whole payload, once,
 * as a version 1 agent did; the next snapshot the agent writes is of version 2.
 */
final class SnapshotFileV1 {
    /** Bytes after magic and version: checksum and the two lengths. */
    private static final int REST_OF_HEADER = 16;

    private SnapshotFileV1() {
    }

    /**
     * The payload of a version 1 file whose magic and version {@code file} has been read past, checked
     * in this order: length, checksum, lengths, decompression. Never a part of a payload.
     *
     * @param maxBytes the most bytes that may follow the version (a larger file is refused before it is read)
     */
    static InputStream payload(InputStream file, long maxBytes) throws IOException, CorruptSnapshotException {
        long limit = Math.min(maxBytes, REST_OF_HEADER + (long) SnapshotFile.COMPRESSOR.maxCompressedLength((int) SnapshotFile.MAX_PAYLOAD_BYTES));
        byte[] rest = file.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
        if (rest.length > limit) throw new CorruptSnapshotException("a version 1 file larger than " + limit + " bytes after its version");
        return new ByteArrayInputStream(decode(rest));
    }

    /** {@link #payload} of the bytes after the version. */
    static byte[] decode(byte[] rest) throws CorruptSnapshotException {
        int headerBytes = SnapshotFile.HEADER_BYTES + REST_OF_HEADER;
        if (rest.length < REST_OF_HEADER) {
            throw new CorruptSnapshotException("truncated: " + (SnapshotFile.HEADER_BYTES + rest.length)
                    + " bytes, shorter than the " + headerBytes + "-byte header of version 1");
        }
        ByteBuffer in = ByteBuffer.wrap(rest).order(ByteOrder.BIG_ENDIAN);
        long expected = in.getLong(0);
        long actual = SnapshotFile.HASH.hash(rest, 8, rest.length - 8, SnapshotFile.SEED);
        if (expected != actual) {
            throw new CorruptSnapshotException("checksum mismatch (truncated or damaged): header says " + Long.toHexString(expected)
                    + ", content hashes to " + Long.toHexString(actual));
        }
        int uncompressed = in.getInt(8);
        int compressed = in.getInt(12);
        if (compressed != rest.length - REST_OF_HEADER) {
            throw new CorruptSnapshotException("compressed length " + Integer.toUnsignedString(compressed) + " but "
                    + (rest.length - REST_OF_HEADER) + " bytes follow the header");
        }
        if (uncompressed < 0 || uncompressed > SnapshotFile.MAX_PAYLOAD_BYTES) {
            throw new CorruptSnapshotException("payload length " + Integer.toUnsignedString(uncompressed) + " out of range");
        }
        byte[] payload = new byte[uncompressed];
        int produced;
        try {
            produced = SnapshotFile.DECOMPRESSOR.decompress(rest, REST_OF_HEADER, compressed, payload, 0);
        } catch (LZ4Exception e) {
            throw new CorruptSnapshotException("LZ4 block does not decompress: " + e.getMessage());
        }
        if (produced != uncompressed) {
            throw new CorruptSnapshotException("LZ4 block holds " + produced + " bytes, header says " + uncompressed);
        }
        return payload;
    }
}
