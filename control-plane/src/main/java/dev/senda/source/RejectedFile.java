package dev.senda.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file a source could not take objects from: for the log, the /healthz answer and the
 * {@code senda_source_files_rejected} metric.
 *
 * @param file         the file's path
 * @param reason       why, as a metric label
 * @param detail       one line for people: the parser's message with its line, or the size and the flag
 *                     that bounds it
 * @param lastGoodKept true when the objects of an earlier good version of the file are still delivered
 *                     (it broke while the agent ran); false when nothing from the file is delivered
 */
public record RejectedFile(Path file, Reason reason, String detail, boolean lastGoodKept) {
    public RejectedFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** Why a file was refused. */
    public enum Reason {
        /** Bigger than the configured bound. */
        TOO_LARGE("too_large"),
        /** Not YAML, or a field of the wrong type: the file is all or nothing. */
        UNPARSABLE("unparsable"),
        /** The read itself failed (permissions, I/O). */
        UNREADABLE("unreadable");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The metric label value and the word in /healthz. */
        public String label() {
            return label;
        }
    }
}
