package dev.senda.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Reads one YAML file for {@link DirectorySource}: enforces the size bound, tells an unchanged file by
 * a digest of its bytes (so an idle directory costs a read and a checksum per file, no parsing), and
 * parses changed files as a stream ({@link YamlObjects#read}).
 *
 * <p>The digest is the length and two 32-bit checksums of different polynomials (CRC-32C and CRC-32),
 * not a cryptographic hash: it tells a changed file from an unchanged one, written by whoever may
 * write the directory anyway, so 64 bits against accidental equality are enough. Both run in the
 * CPU's CRC instructions (intrinsics even under the agent's C1-only JIT), about 1 ms for 40 MB, where
 * SHA-256 in C1-compiled Java took 7 ms per MB: 0.3 s of a start at 10,000 Services, whose 20 MB of
 * files are digested twice (read ahead, then checked at start), and again at every rescan.
 *
 * <p>Every outcome carries a key that identifies what was seen (a content digest, or the size and
 * modification time of a file too large to read), so the caller logs a refusal once per distinct
 * content instead of on every rescan. A file is read with the fast reader of the usual subset of YAML
 * first ({@link YamlObjects#readSubset}) and, when that declines, again with the full parser.
 */
final class YamlFileReader {
    private static final String DIGEST = "crc64:";

    private final long maxBytes;
    private final String limitName;
    private final List<Kind<?, ?>> kinds;

    /**
     * @param maxBytes  files above this are refused without being parsed
     * @param limitName how people set {@code maxBytes} (a flag), for the refusal message
     * @param kinds     the kinds to keep
     */
    YamlFileReader(long maxBytes, String limitName, List<Kind<?, ?>> kinds) {
        if (maxBytes < 1) throw new IllegalArgumentException("max file bytes must be positive: " + maxBytes);
        this.maxBytes = maxBytes;
        this.limitName = Objects.requireNonNull(limitName, "limitName");
        this.kinds = List.copyOf(kinds);
    }

    long maxBytes() {
        return maxBytes;
    }

    /** What one read found. */
    sealed interface Outcome {
    }

    /** The content has the key the caller passed: nothing to do. */
    record Unchanged() implements Outcome {
    }

    /** Parsed completely. */
    record Read(String key, YamlObjects.Parsed parsed) implements Outcome {
    }

    /** Nothing can be taken from the file as it is now. */
    record Refused(String key, RejectedFile.Reason reason, String detail) implements Outcome {
    }

    /**
     * Reads {@code file} unless its content still has {@code previousKey}.
     *
     * @param previousKey the key of the last outcome for this file, null for a file not seen before
     */
    Outcome read(Path file, String previousKey) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) return tooLarge(file, size + " bytes");
            if (previousKey != null && previousKey.startsWith(DIGEST) && previousKey.equals(digest(file))) {
                return new Unchanged();
            }
            return parse(file);
        } catch (TooLargeException e) {
            return tooLarge(file, "more than " + maxBytes + " bytes (it grew while read)");
        } catch (IOException | RuntimeException e) {
            // NoSuchFile: deleted between listing and reading; the next rescan drops it.
            return new Refused("unreadable:" + e, RejectedFile.Reason.UNREADABLE, e.toString());
        }
    }

    private Outcome parse(Path file) throws IOException {
        // Most files are in the subset the fast reader takes; the others are read again in full.
        try (BoundedDigestStream in = new BoundedDigestStream(Files.newInputStream(file), maxBytes)) {
            java.util.Optional<YamlObjects.Parsed> fast = YamlObjects.readSubset(in, kinds);
            if (fast.isPresent()) {
                in.transferTo(OutputStream.nullOutputStream());
                return new Read(in.key(), fast.get());
            }
        }
        try (BoundedDigestStream in = new BoundedDigestStream(Files.newInputStream(file), maxBytes)) {
            YamlObjects.Parsed parsed = null;
            String error = null;
            try {
                parsed = YamlObjects.read(in, maxBytes, kinds);
            } catch (YamlObjects.ParseException e) {
                error = e.getMessage();
            }
            // The key covers the whole file even when parsing stopped early (an error, or data after
            // the last document that the parser never asked for).
            in.transferTo(OutputStream.nullOutputStream());
            String key = in.key();
            return parsed != null ? new Read(key, parsed) : new Refused(key, RejectedFile.Reason.UNPARSABLE, error);
        }
    }

    private String digest(Path file) throws IOException {
        try (BoundedDigestStream in = new BoundedDigestStream(Files.newInputStream(file), maxBytes)) {
            in.transferTo(OutputStream.nullOutputStream());
            return in.key();
        }
    }

    private Refused tooLarge(Path file, String size) {
        String modified;
        try {
            modified = Files.getLastModifiedTime(file).toString();
        } catch (IOException e) {
            modified = "?";
        }
        return new Refused("size:" + size + ":" + modified, RejectedFile.Reason.TOO_LARGE,
                size + ", above the limit of " + maxBytes
                        + " bytes; raise " + limitName + " to read it");
    }

    /** The file grew past the bound while it was read. */
    private static final class TooLargeException extends IOException {
        TooLargeException(long max) {
            super("more than " + max + " bytes");
        }
    }

    /** Counts and hashes what passes; fails once more than {@code max} bytes came. */
    private static final class BoundedDigestStream extends FilterInputStream {
        private final long max;
        private final CRC32C crc32c = new CRC32C();
        private final CRC32 crc32 = new CRC32();
        private long count;

        BoundedDigestStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                seen(1);
                crc32c.update(b);
                crc32.update(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                seen(n);
                crc32c.update(buf, off, n);
                crc32.update(buf, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be hashed too: read them.
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void seen(int n) throws TooLargeException {
            count += n;
            if (count > max) throw new TooLargeException(max);
        }

        String key() {
            return String.format("%s%d:%08x%08x", DIGEST, count, crc32c.getValue(), crc32.getValue());
        }
    }
}
