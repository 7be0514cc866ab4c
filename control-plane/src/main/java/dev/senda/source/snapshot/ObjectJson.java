package dev.senda.source.snapshot;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One object's JSON as a snapshot holds it ({@link SnapshotContent#objectJson}), however its keeper
 * stores it (plain, or compressed as the Kubernetes source keeps it): its length, and a way to write
 * it into the payload's stream, so a payload is written without a copy of every object beside it.
 */
public interface ObjectJson {
    /** The JSON's length in bytes. */
    int length();

    /**
     * Writes the JSON's {@link #length()} bytes to {@code out}, in pieces of a size the keeper chooses
     * (never needing a copy of the whole JSON for a compressed one).
     */
    void writeTo(OutputStream out) throws IOException;

    /** JSON kept as it is. */
    static ObjectJson of(byte[] json) {
        return new Plain(json);
    }

    /** JSON kept as it is. */
    record Plain(byte[] json) implements ObjectJson {
        @Override
        public int length() {
            return json.length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(json);
        }
    }
}
