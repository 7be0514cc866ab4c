package dev.senda.source.snapshot;

import net.jpountz.lz4.LZ4Exception;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The payload of a snapshot file of format version 2 ({@link SnapshotFile}), read from the file after
 * its header, one chunk at a time. Holds one chunk's buffers, each at most the size the largest chunk
 * so far needs, and never more than {@link SnapshotFile#MAX_CHUNK_BYTES} (plus LZ4's margin) whatever
 * a frame says.
 *
 * <p>Corruption is thrown as an {@link IOException} carrying a {@link CorruptSnapshotException}
 * ({@link CorruptSnapshotException#unwrap}); the first one ends the stream for good (every later read
 * throws it again). The stream's end (-1) comes only after the end frame checked out and the file
 * ended right after it.
 */
final class SnapshotReader extends InputStream {

    private final InputStream file;
    private final byte[] frameHeader = new byte[SnapshotFile.FRAME_HEADER_BYTES];
    private final ByteBuffer header = ByteBuffer.wrap(frameHeader).order(ByteOrder.BIG_ENDIAN);
    /** The frame's bytes 8 to 16 + c, contiguous as the check covers them: the lengths, then the block. */
    private byte[] checked = new byte[0];
    private byte[] chunk = new byte[0];
    private int chunkLength;
    private int position;
    private int chunks;
    private long payloadBytes;
    private long check = SnapshotFile.SEED;
    private boolean ended;
    private IOException failed;

    /** @param file positioned right after the file's header */
    SnapshotReader(InputStream file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    @Override
    public int read() throws IOException {
        if (!fill()) return -1;
        return chunk[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, chunkLength - position);
        System.arraycopy(chunk, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return chunkLength - position;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /** True when the current chunk has bytes left, after reading the next frame if needed; false at the checked end. */
    private boolean fill() throws IOException {
        if (failed != null) throw failed;
        while (position == chunkLength) {
            if (ended) return false;
            try {
                nextFrame();
            } catch (CorruptSnapshotException e) {
                failed = e.inStream();
                throw failed;
            }
        }
        return true;
    }

    private void nextFrame() throws IOException, CorruptSnapshotException {
        int frame = chunks + 1;
        int got = file.readNBytes(frameHeader, 0, frameHeader.length);
        if (got == 0) throw new CorruptSnapshotException("truncated: the file ends after chunk " + chunks + ", without its end frame");
        if (got < frameHeader.length) throw new CorruptSnapshotException("truncated: the file ends inside the header of frame " + frame);
        long expected = header.getLong(0);
        int uncompressed = header.getInt(8);
        int compressed = header.getInt(12);
        boolean end = uncompressed == 0 && compressed == 0;
        if (!end) {
            if (uncompressed <= 0 || uncompressed > SnapshotFile.MAX_CHUNK_BYTES) {
                throw new CorruptSnapshotException("frame " + frame + ": chunk length " + Integer.toUnsignedString(uncompressed)
                        + " out of range (1 to " + SnapshotFile.MAX_CHUNK_BYTES + ")");
            }
            int bound = SnapshotFile.COMPRESSOR.maxCompressedLength(uncompressed);
            if (compressed <= 0 || compressed > bound) {
                throw new CorruptSnapshotException("frame " + frame + ": block length " + Integer.toUnsignedString(compressed)
                        + " out of range (1 to " + bound + " for a chunk of " + uncompressed + " bytes)");
            }
            if (payloadBytes + uncompressed > SnapshotFile.MAX_PAYLOAD_BYTES) {
                throw new CorruptSnapshotException("payload longer than " + SnapshotFile.MAX_PAYLOAD_BYTES + " bytes");
            }
        }
        if (checked.length < 8 + compressed) checked = new byte[8 + compressed];
        System.arraycopy(frameHeader, 8, checked, 0, 8);
        if (file.readNBytes(checked, 8, compressed) < compressed) {
            throw new CorruptSnapshotException("truncated: the file ends inside the block of frame " + frame);
        }
        long actual = SnapshotFile.HASH.hash(checked, 0, 8 + compressed, check);
        if (actual != expected) {
            throw new CorruptSnapshotException("frame " + frame + ": checksum mismatch (damaged, or chunks missing or out of order): "
                    + "the frame says " + Long.toHexString(expected) + ", its bytes hash to " + Long.toHexString(actual));
        }
        check = actual;
        if (end) {
            if (file.read() != -1) throw new CorruptSnapshotException("trailing bytes after the end frame (frame " + frame + ")");
            ended = true;
            return;
        }
        if (chunk.length < uncompressed) chunk = new byte[uncompressed];
        int produced;
        try {
            produced = SnapshotFile.DECOMPRESSOR.decompress(checked, 8, compressed, chunk, 0, uncompressed);
        } catch (LZ4Exception e) {
            throw new CorruptSnapshotException("frame " + frame + ": LZ4 block does not decompress: " + e.getMessage());
        }
        if (produced != uncompressed) {
            throw new CorruptSnapshotException("frame " + frame + ": LZ4 block holds " + produced + " bytes, the frame says " + uncompressed);
        }
        chunks = frame;
        payloadBytes += uncompressed;
        chunkLength = uncompressed;
        position = 0;
    }
}
