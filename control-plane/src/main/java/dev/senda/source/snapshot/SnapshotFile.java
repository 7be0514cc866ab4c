package dev.senda.source.snapshot;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte container of the agent's snapshot file: a fixed header, then the payload (the JSON of
 * {@link SnapshotContent}) as a sequence of LZ4-compressed chunks, each of at most
 * {@value #MAX_CHUNK_BYTES} bytes uncompressed. Streams both ways ({@link #writer}, {@link #payload}):
 * the file system is {@link SnapshotStore}'s.
 *
 * <p>Layout of format version {@value #VERSION}, every integer big-endian (network order), no padding:
 * <pre>
 * header, 12 bytes:
 *   offset size field
 *        0    8 magic "SENDASNP" (ASCII)
 *        8    4 format version, 2
 * then chunks, each a 16-byte frame header and its block:
 *        0    8 check: xxHash64 of the frame's bytes 8 to 16 + c, seeded with the previous frame's
 *                check (the first frame's seed is {@value #SEED})
 *        8    4 u, payload bytes in this chunk uncompressed, 1 to {@value #MAX_CHUNK_BYTES}
 *       12    4 c, bytes of the LZ4 block that follows, 1 to LZ4's bound for u
 *       16    c the chunk as one LZ4 block
 * then the end frame: a frame header with u = 0 and c = 0 (its check chained like any other),
 * and then the end of the file.
 * </pre>
 *
 * <p>Why this shape: neither side ever holds more than one chunk. The writer compresses a chunk when
 * it is full and writes it out; the reader decompresses one chunk at a time into the JSON parser.
 * At 10,000 Services the payload is about 18 MB; with the agent's young generation of at most 16 MB
 * (deploy/agent-jvm.args), one array of it, or of its compressed form, would be allocated straight
 * in the old generation and stay resident until a full collection.
 *
 * <p>What is checked, and in which order: the magic, then the version (a file of another format
 * version may be framed differently, and "unsupported version" is the truer reason to give), then,
 * for each frame, its lengths against their bounds before they decide anything (so a damaged or
 * hostile length makes the reader allocate at most one chunk's buffers), then its check before the
 * block is decompressed, then that the block decompresses to exactly u bytes. Chaining the checks
 * makes a dropped, repeated or reordered chunk fail the next check, and the end frame makes a file
 * truncated at a frame boundary incomplete instead of shorter; bytes after the end frame are refused.
 * The reader hands out a chunk's bytes only after its check; the JSON parser may thus see the start of
 * a payload whose later chunks fail, which is why {@link SnapshotContent#read} keeps nothing unless the
 * whole payload read to its end frame.
 *
 * <p>Format version 1 (written up to December 2026) is still read, so an upgraded agent finds the
 * snapshot its predecessor wrote: {@link SnapshotFileV1}, one LZ4 block of the whole payload behind
 * a whole-file checksum; reading it holds the whole payload once, as the version 1 agent did. Only
 * version 2 is written. The version covers this container and the envelope of {@link SnapshotContent};
 * the objects inside carry their own apiVersion and kind, so adding a kind to
 * {@link dev.senda.source.Kinds} needs no new version.
 *
 * <p>Uses lz4-java's pure-Java implementations ({@code safeInstance}): no native library extracted
 * at run time, no {@code sun.misc.Unsafe}; a few hundred MB/s is plenty for a file written at most
 * once a second.
 */
public final class SnapshotFile {
    /** Format version this code writes. */
    public static final int VERSION = 2;
    /** The first format version, still read ({@link SnapshotFileV1}). */
    static final int VERSION_1 = 1;
    static final byte[] MAGIC = "SENDASNP".getBytes(StandardCharsets.US_ASCII);
    /** Magic and version: what every format version starts with. */
    static final int HEADER_BYTES = 12;
    static final int FRAME_HEADER_BYTES = 16;
    static final long SEED = 0x53454E4441L; // "SENDA"
    /** Largest chunk a reader accepts (uncompressed): bounds what a damaged or hostile frame can make it allocate. */
    static final int MAX_CHUNK_BYTES = 1 << 20;
    /**
     * The chunk size written: LZ4's window is 64 KiB, so larger chunks compress hardly better, and
     * the writer's two buffers stay far below the young generation.
     */
    static final int CHUNK_BYTES = 256 << 10;
    /** Largest payload accepted (uncompressed): bounds the reading of a damaged or hostile file. */
    static final long MAX_PAYLOAD_BYTES = 1L << 30;

    static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    static final XXHash64 HASH = XXHashFactory.safeInstance().hash64();

    private SnapshotFile() {
    }

    /**
     * A stream that writes a snapshot file of the payload written to it to {@code file}, chunk by
     * chunk; the header is written at once. {@link SnapshotWriter#finish()} ends the file.
     */
    static SnapshotWriter writer(OutputStream file) throws IOException {
        return new SnapshotWriter(file, CHUNK_BYTES);
    }

    /**
     * The payload of the snapshot file read from {@code file}, as a stream, after checking the header.
     * The stream reports corruption found later as an {@link IOException} that
     * {@link CorruptSnapshotException#unwrap} turns back into a {@link CorruptSnapshotException}; it
     * returns its end (-1) only once the whole file checked out.
     *
     * @param maxFileBytes the most bytes a version 1 file may have (read whole); the caller knows the file's size
     * @throws CorruptSnapshotException when the header is not a snapshot's of a version this code reads
     */
    static InputStream payload(InputStream file, long maxFileBytes) throws IOException, CorruptSnapshotException {
        byte[] header = file.readNBytes(HEADER_BYTES);
        if (header.length < HEADER_BYTES) {
            throw new CorruptSnapshotException("truncated: " + header.length + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptSnapshotException("not a Senda snapshot (wrong magic)");
        }
        int version = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).getInt(MAGIC.length);
        return switch (version) {
            case VERSION -> new SnapshotReader(file);
            case VERSION_1 -> SnapshotFileV1.payload(file, maxFileBytes - HEADER_BYTES);
            default -> throw new CorruptSnapshotException("format version " + Integer.toUnsignedString(version)
                    + ", this agent reads versions " + VERSION_1 + " and " + VERSION);
        };
    }
}
