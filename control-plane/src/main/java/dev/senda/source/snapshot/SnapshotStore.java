package dev.senda.source.snapshot;

import dev.senda.source.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The agent's snapshot of its inputs on disk: one file, {@value #FILE_NAME}, in the state directory
 * ({@code --state-dir}), in {@link SnapshotFile}'s format around {@link SnapshotContent}.
 *
 * <p>Writes stream: the payload goes to the file chunk by chunk as the objects are written into it
 * ({@link SnapshotWriter}), and {@link #load} parses it as it is read ({@link SnapshotReader}); neither
 * holds the whole payload. Writes are atomic: the bytes go to a temporary file in the same directory,
 * which is fsynced and renamed over the old file, and then the directory is fsynced; a crash or power loss at any moment
 * leaves the old snapshot or the new one, never a mix (a torn file would fail its checksum anyway).
 * Files are created 0600 (they hold cluster objects) in a directory created 0700.
 *
 * <p>{@link #load} never throws: a missing file is an empty result, and a file that cannot be read
 * or fails any check is an empty result with exactly one log line saying why.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    public static final String FILE_NAME = "inputs.snapshot";
    private static final String TEMP_SUFFIX = ".tmp";
    /** Larger than the largest payload accepted compressed as badly as LZ4 can: no snapshot this agent wrote. */
    private static final long MAX_FILE_BYTES = 2 * SnapshotFile.MAX_PAYLOAD_BYTES;

    private final Path dir;
    private final Path file;

    public SnapshotStore(Path stateDir) {
        this.dir = stateDir.toAbsolutePath().normalize();
        this.file = dir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * Writes {@code objects}, taken at {@code at}, replacing the previous snapshot atomically.
     *
     * @return the file's size in bytes
     * @throws IOException when any step fails; the previous snapshot is then still in place
     */
    public long write(Instant at, Collection<? extends HasMetadata> objects) throws IOException {
        return writeFile(out -> SnapshotContent.write(at, objects, out));
    }

    /**
     * As {@link #write} for objects given as {@link SnapshotContent#objectJson} made them. Streams: the
     * payload goes to the file chunk by chunk as the objects are written into it.
     *
     * @return the file's size in bytes
     * @throws IOException when any step fails; the previous snapshot is then still in place
     */
    public long writeJson(Instant at, List<? extends ObjectJson> objects) throws IOException {
        return writeFile(out -> SnapshotContent.writeJson(at, objects, out));
    }

    /** What writes a payload into the stream it is given. */
    private interface Payload {
        void writeTo(OutputStream out) throws IOException;
    }

    // Synchronized: the one temp file name must not be written by two writes at once (a shutdown's
    // last write may start while a slow periodic one is still renaming).
    private synchronized long writeFile(Payload payload) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path temp = dir.resolve(FILE_NAME + TEMP_SUFFIX);
        long bytes;
        try {
            Files.deleteIfExists(temp); // a leftover of a crash, maybe with other permissions
            try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                // not closed by us: closing the channel's stream would close the channel before the fsync
                SnapshotWriter out = SnapshotFile.writer(Channels.newOutputStream(ch));
                payload.writeTo(out);
                bytes = out.finish();
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename atomically in " + dir + ": " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory();
        return bytes;
    }

    /** Makes the rename durable: without it a power loss may forget the new directory entry. */
    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * The snapshot's objects of {@code kinds}; empty when there is no snapshot, or (with one WARN line
     * naming the file and the reason) when it cannot be read or fails a check. All or nothing. Streams
     * a file of the current format: one chunk of it in memory at a time, besides the objects read.
     */
    public Optional<SnapshotContent.Decoded> load(List<Kind<?, ?>> kinds) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                LOG.warn("ignoring snapshot {}: {} bytes, larger than any snapshot this agent writes", file, size);
                return Optional.empty();
            }
            return Optional.of(SnapshotContent.read(SnapshotFile.payload(in, size), kinds));
        } catch (NoSuchFileException e) {
            LOG.info("no snapshot at {}", file);
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("ignoring snapshot {}: cannot read it: {}", file, e.toString());
            return Optional.empty();
        } catch (CorruptSnapshotException e) {
            LOG.warn("ignoring snapshot {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
