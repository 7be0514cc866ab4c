package dev.senda.source.snapshot;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte container of the agent's snapshot file: a fixed header, then one LZ4 block holding the
 * payload (the JSON of {@link SnapshotContent}). Pure: bytes in, bytes out; the file system is
 * {@link SnapshotStore}'s.
 *
 * <p>Layout, every integer big-endian (network order), no padding:
 * <pre>
 * offset size field
 *      0    8 magic "SENDASNP" (ASCII)
 *      8    4 format version, {@value #VERSION}
 *     12    8 xxHash64 (seed {@value #SEED}) of every byte from offset 20 to the end of the file
 *     20    4 payload length, uncompressed
 *     24    4 payload length, compressed: exactly the number of bytes after the header
 *     28    n the payload as one LZ4 block
 * </pre>
 *
 * <p>Why a checksum over the lengths too: a flipped bit in a length must be caught before it decides
 * how much memory to allocate. Why the version is checked before the checksum: a file of another
 * format version may checksum differently, and "unsupported version" is the truer reason to give.
 * The version covers this container and the envelope of {@link SnapshotContent}; the objects inside
 * carry their own apiVersion and kind, so adding a kind to {@link dev.senda.source.Kinds} needs no
 * new version.
 *
 * <p>Uses lz4-java's pure-Java implementations ({@code safeInstance}): no native library extracted
 * at run time, no {@code sun.misc.Unsafe}; a few hundred MB/s is plenty for a file written at most
 * once a second.
 */
public final class SnapshotFile {
    /** Format version this code writes and reads. */
    public static final int VERSION = 1;
    static final byte[] MAGIC = "SENDASNP".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 28;
    static final long SEED = 0x53454E4441L; // "SENDA"
    /** Largest payload accepted (uncompressed): bounds what a damaged or hostile file can make us allocate. */
    static final int MAX_PAYLOAD_BYTES = 1 << 30;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    private static final XXHash64 HASH = XXHashFactory.safeInstance().hash64();

    private SnapshotFile() {
    }

    /** The file's bytes for {@code payload}. */
    public static byte[] encode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
        }
        // A buffer for what JSON usually compresses to (a tenth or less) first, the worst case only when
        // that does not fit: at 10,000 Services the worst case is another 17 MB array of garbage.
        int guess = Math.min(COMPRESSOR.maxCompressedLength(payload.length), payload.length / 4 + 4096);
        byte[] out = new byte[HEADER_BYTES + guess];
        int compressed;
        try {
            compressed = COMPRESSOR.compress(payload, 0, payload.length, out, HEADER_BYTES, guess);
        } catch (LZ4Exception tooSmall) {
            out = new byte[HEADER_BYTES + COMPRESSOR.maxCompressedLength(payload.length)];
            compressed = COMPRESSOR.compress(payload, 0, payload.length, out, HEADER_BYTES);
        }
        ByteBuffer header = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putLong(0).putInt(payload.length).putInt(compressed);
        int total = HEADER_BYTES + compressed;
        header.putLong(12, HASH.hash(out, 20, total - 20, SEED));
        return Arrays.copyOf(out, total);
    }

    /**
     * The payload of a file's bytes, after checking, in this order: length, magic, version, checksum,
     * lengths, decompression. Never returns a part of a payload.
     *
     * @throws CorruptSnapshotException naming the first check that failed
     */
    public static byte[] decode(byte[] file) throws CorruptSnapshotException {
        if (file.length < HEADER_BYTES) {
            throw new CorruptSnapshotException("truncated: " + file.length + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
        if (!Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptSnapshotException("not a Senda snapshot (wrong magic)");
        }
        int version = in.getInt(8);
        if (version != VERSION) {
            throw new CorruptSnapshotException("format version " + Integer.toUnsignedString(version) + ", this agent reads version " + VERSION);
        }
        long expected = in.getLong(12);
        long actual = HASH.hash(file, 20, file.length - 20, SEED);
        if (expected != actual) {
            throw new CorruptSnapshotException("checksum mismatch (truncated or damaged): header says " + Long.toHexString(expected)
                    + ", content hashes to " + Long.toHexString(actual));
        }
        int uncompressed = in.getInt(20);
        int compressed = in.getInt(24);
        if (compressed != file.length - HEADER_BYTES) {
            throw new CorruptSnapshotException("compressed length " + Integer.toUnsignedString(compressed) + " but "
                    + (file.length - HEADER_BYTES) + " bytes follow the header");
        }
        if (uncompressed < 0 || uncompressed > MAX_PAYLOAD_BYTES) {
            throw new CorruptSnapshotException("payload length " + Integer.toUnsignedString(uncompressed) + " out of range");
        }
        byte[] payload = new byte[uncompressed];
        int produced;
        try {
            produced = DECOMPRESSOR.decompress(file, HEADER_BYTES, compressed, payload, 0);
        } catch (LZ4Exception e) {
            throw new CorruptSnapshotException("LZ4 block does not decompress: " + e.getMessage());
        }
        if (produced != uncompressed) {
            throw new CorruptSnapshotException("LZ4 block holds " + produced + " bytes, header says " + uncompressed);
        }
        return payload;
    }
}
