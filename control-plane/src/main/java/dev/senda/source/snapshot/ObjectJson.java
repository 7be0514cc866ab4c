package dev.senda.source.snapshot;

/**
 * One object's JSON as a snapshot holds it ({@link SnapshotContent#objectJson}), however its keeper
 * stores it (plain, or compressed as the Kubernetes source keeps it): its length, and a way to copy it
 * into the payload, so a payload is assembled in one array without a copy of every object beside it.
 */
public interface ObjectJson {
    /** The JSON's length in bytes. */
    int length();

    /** Writes the JSON's {@link #length()} bytes to {@code target} from {@code offset}. */
    void copyTo(byte[] target, int offset);

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
        public void copyTo(byte[] target, int offset) {
            System.arraycopy(json, 0, target, offset, json.length);
        }
    }
}
