package dev.senda.source;

import dev.senda.source.snapshot.ObjectJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compresses the snapshot JSON of one object for keeping in memory ({@link CompactItemStore}): raw
 * deflate at its fastest level with a preset dictionary of what API objects of the consumed kinds
 * share (field names, usual values), since one object alone is too small to compress well: about
 * 900 bytes per Service or EndpointSlice of 10 endpoints become a fifth to a third of that.
 *
 * <p>Why deflate and not LZ4 (which the snapshot file uses): only deflate takes a preset dictionary
 * in the JDK, and zlib is native code, as fast under the agent's C1-only JIT as under any.
 *
 * <p>The dictionary exists only in memory: the snapshot file holds the plain JSON, so it can change
 * freely between versions. Not thread-safe: one instance per writer (an informer writes from one
 * thread); {@link Packed#writeTo} is safe from any thread.
 */
final class PackedJson {
    /** Later bytes are cheaper to refer to: the most common strings come last. */
    static final byte[] DICTIONARY = ("\"hostname\":\"\"zone\":\"\"hints\":{\"forZones\":[{\"name\":\""
            + "\"ownerReferences\":[{\"apiVersion\":\"\"blockOwnerDeletion\":true,\"controller\":true,\"kind\":\""
            + "\"uid\":\"\"creationTimestamp\":\"\"generation\":\"generateName\":\"\"finalizers\":["
            + "\"app.kubernetes.io/name\":\"\"endpointslice.kubernetes.io/managed-by\":\"endpointslice-controller.k8s.io\""
            + "\"sessionAffinity\":\"None\",\"internalTrafficPolicy\":\"Cluster\",\"externalTrafficPolicy\":\"Cluster\""
            + "\"status\":{\"loadBalancer\":{}}\"type\":\"NodePort\"\"nodePort\":\"appProtocol\":\"\"selector\":{\"app\":\""
            + "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"labels\":{\"name\":\"\"namespace\":\""
            + "\"resourceVersion\":\"\"spec\":{\"clusterIP\":\"\"clusterIPs\":[\"\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\""
            + ",\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\",\"targetPort\":8080}],\"type\":\"ClusterIP\"}}"
            + "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"labels\":{"
            + "\"kubernetes.io/service-name\":\"\"addressType\":\"IPv4\",\"endpoints\":["
            + "\"targetRef\":{\"kind\":\"Pod\",\"name\":\"\"nodeName\":\""
            + "{\"addresses\":[\"10.\"],\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false}")
            .getBytes(StandardCharsets.US_ASCII);

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private byte[] buffer = new byte[8192];

    /** {@code json} compressed. */
    Packed pack(byte[] json) {
        deflater.reset();
        deflater.setDictionary(DICTIONARY);
        deflater.setInput(json);
        deflater.finish();
        int n = 0;
        while (!deflater.finished()) {
            if (n == buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
            n += deflater.deflate(buffer, n, buffer.length - n);
        }
        return new Packed(Arrays.copyOf(buffer, n), json.length);
    }

    /** One object's JSON, compressed; {@code length} is the JSON's. */
    record Packed(byte[] deflated, int length) implements ObjectJson {
        /**
         * Inflaters hold native memory: one per thread that writes (the snapshot writer's), reused, with
         * the piece of JSON it inflates at a time.
         */
        private static final ThreadLocal<Inflating> INFLATING = ThreadLocal.withInitial(Inflating::new);

        private static final class Inflating {
            final Inflater inflater = new Inflater(true);
            final byte[] piece = new byte[8192];
        }

        /** Inflates into a small buffer of this thread's and writes it out piece by piece. */
        @Override
        public void writeTo(OutputStream out) throws IOException {
            Inflating in = INFLATING.get();
            Inflater inflater = in.inflater;
            inflater.reset();
            inflater.setDictionary(DICTIONARY);
            inflater.setInput(deflated);
            int n = 0;
            try {
                while (n < length) {
                    int got = inflater.inflate(in.piece, 0, Math.min(in.piece.length, length - n));
                    if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) break;
                    out.write(in.piece, 0, got);
                    n += got;
                }
            } catch (DataFormatException e) {
                throw new IllegalStateException("kept JSON does not inflate", e); // in memory: a bug
            }
            if (n != length) throw new IllegalStateException("kept JSON inflated to " + n + " of " + length + " bytes");
        }

        /** The JSON itself (tests, and the odd reader that wants one object). */
        byte[] json() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(length);
            try {
                writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
            }
            return out.toByteArray();
        }
    }
}
