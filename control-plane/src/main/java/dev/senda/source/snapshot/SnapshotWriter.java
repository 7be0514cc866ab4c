package dev.senda.source.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Writes a snapshot file ({@link SnapshotFile}'s format version 2) of the payload written to it:
 * the payload's bytes fill one chunk buffer, which is compressed into one frame buffer and written
 * out whenever it is full. These two buffers, allocated once, are all it holds, whatever the
 * payload's size.
 *
 * <p>{@link #finish()} writes the last chunk and the end frame; without it the file has no end frame
 * and reads as truncated. {@link #close()} closes the target and does not finish: a payload cut short
 * by an exception must not read as a whole one. Not thread-safe.
 */
public final class SnapshotWriter extends OutputStream {
    private final OutputStream out;
    private final byte[] chunk;
    private final byte[] frame;
    private final ByteBuffer frameHeader;
    private int filled;
    private long check = SnapshotFile.SEED;
    private long fileBytes;
    private long payloadBytes;
    private boolean finished;

    /**
     * Writes the header to {@code out} at once.
     *
     * @param chunkBytes the chunk size, 1 to {@link SnapshotFile#MAX_CHUNK_BYTES} (smaller than
     *                   {@link SnapshotFile#CHUNK_BYTES} in tests only)
     */
    SnapshotWriter(OutputStream out, int chunkBytes) throws IOException {
        if (chunkBytes < 1 || chunkBytes > SnapshotFile.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk size " + chunkBytes + " out of range");
        }
        this.out = Objects.requireNonNull(out, "out");
        this.chunk = new byte[chunkBytes];
        this.frame = new byte[SnapshotFile.FRAME_HEADER_BYTES + SnapshotFile.COMPRESSOR.maxCompressedLength(chunkBytes)];
        this.frameHeader = ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer header = ByteBuffer.allocate(SnapshotFile.HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        header.put(SnapshotFile.MAGIC).putInt(SnapshotFile.VERSION);
        out.write(header.array());
        fileBytes = SnapshotFile.HEADER_BYTES;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (filled == chunk.length) writeChunk();
        chunk[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (filled == chunk.length) writeChunk();
            int n = Math.min(len, chunk.length - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Writes what is left of the payload and the end frame, and flushes the target.
     *
     * @return the file's size in bytes
     */
    public long finish() throws IOException {
        ensureOpen();
        if (filled > 0) writeChunk();
        writeFrame(0, 0);
        out.flush();
        finished = true;
        return fileBytes;
    }

    /** Closes the target; see the class comment. */
    @Override
    public void close() throws IOException {
        finished = true;
        out.close();
    }

    private void writeChunk() throws IOException {
        payloadBytes += filled;
        if (payloadBytes > SnapshotFile.MAX_PAYLOAD_BYTES) {
            // a reader would refuse it: fail the write, so the previous snapshot stays
            throw new IOException("payload larger than " + SnapshotFile.MAX_PAYLOAD_BYTES + " bytes, more than a reader accepts");
        }
        int compressed = SnapshotFile.COMPRESSOR.compress(chunk, 0, filled, frame, SnapshotFile.FRAME_HEADER_BYTES,
                frame.length - SnapshotFile.FRAME_HEADER_BYTES);
        writeFrame(filled, compressed);
        filled = 0;
    }

    /** The frame header for a block of {@code compressed} bytes already in {@link #frame}, and the frame out. */
    private void writeFrame(int uncompressed, int compressed) throws IOException {
        frameHeader.putInt(8, uncompressed).putInt(12, compressed);
        check = SnapshotFile.HASH.hash(frame, 8, 8 + compressed, check);
        frameHeader.putLong(0, check);
        int n = SnapshotFile.FRAME_HEADER_BYTES + compressed;
        out.write(frame, 0, n);
        fileBytes += n;
    }

    private void ensureOpen() throws IOException {
        if (finished) throw new IOException("snapshot already finished or closed");
    }
}
