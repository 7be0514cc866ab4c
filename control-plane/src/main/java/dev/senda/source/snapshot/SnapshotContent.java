package dev.senda.source.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import dev.senda.model.Snapshot;
import dev.senda.source.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The payload of a snapshot: the API objects the agent's inputs were converted from, as the API
 * server served them, in JSON: {@code {"writtenAt": "<RFC 3339>", "objects": [<object>, ...]}}.
 *
 * <p>Why API objects and not Senda's model records: a snapshot is read by the agent that runs after
 * a reboot, which may be a newer (or older) build whose model records or {@link dev.senda.source.Kinds}
 * differ. API objects are stable (their apiVersion says what they are), and reading them goes through
 * the same {@link Kind#convert converters} as a live sync, so a restore means exactly what the same
 * objects from the API server would. A kind this agent does not consume (written by a build that
 * consumed more) is skipped and counted; a kind it consumes that the snapshot lacks (written by a
 * build that consumed fewer) reads as empty, as for a cluster without such objects.
 *
 * <p>Each object's {@code metadata.managedFields} and kubectl's last-applied-configuration annotation
 * are left out: no converter reads them, and they are often most of an object's size. (Annotations
 * that held only the latter are written as an empty object since the Kubernetes source keeps objects
 * as {@link #objectJson}; readers see no difference.)
 */
public final class SnapshotContent {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** fabric8's configuration of {@link #MAPPER}, so objects (de)serialize as the API client does it. */
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(MAPPER, true);
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** {@link #MAPPER}'s serialization with {@link SnapshotMeta}: the stripping of {@link #objectJson}. */
    private static final ObjectWriter OBJECT_WRITER = MAPPER.copy().addMixIn(ObjectMeta.class, SnapshotMeta.class).writer();

    /**
     * What {@link #objectJson} leaves out of every object's metadata: a Jackson mix-in of fabric8's
     * ObjectMeta. By name at the class level, since fabric8 names its accessors explicitly, which would
     * outweigh an ignoral on one accessor; the annotation's key on the field and the getter alike.
     */
    @JsonIgnoreProperties("managedFields")
    private abstract static class SnapshotMeta {
        @JsonIgnoreProperties(LAST_APPLIED)
        Map<String, String> annotations;

        @JsonIgnoreProperties(LAST_APPLIED)
        abstract Map<String, String> getAnnotations();
    }

    private SnapshotContent() {
    }

    /**
     * What a snapshot's payload held.
     *
     * @param writtenAt when the snapshot was taken
     * @param inputs    the model objects of every kind this agent consumes, as a source would deliver them
     * @param objects   how many objects were converted into {@code inputs}
     * @param skipped   objects of kinds this agent does not consume, by "apiVersion kind"
     */
    public record Decoded(Instant writtenAt, Snapshot inputs, int objects, SortedMap<String, Integer> skipped) {
        public Decoded {
            skipped = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
        }
    }

    /**
     * Writes the payload for {@code objects} taken at {@code writtenAt} to {@code out}; the objects
     * themselves are not modified.
     */
    public static void write(Instant writtenAt, Collection<? extends HasMetadata> objects, OutputStream out) throws IOException {
        List<ObjectJson> json = new ArrayList<>(objects.size());
        for (HasMetadata o : objects) json.add(ObjectJson.of(objectJson(o)));
        writeJson(writtenAt, json, out);
    }

    /**
     * One object as a snapshot holds it: its JSON as the API client writes it, without
     * {@code metadata.managedFields} and the last-applied annotation (see the class comment). The
     * Kubernetes source keeps this (compressed) instead of the object itself, so that a snapshot is
     * these bytes put together ({@link #writeJson}) and costs no serialization.
     */
    public static byte[] objectJson(HasMetadata object) {
        try {
            return OBJECT_WRITER.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize " + object.getKind(), e); // in memory: a bug, not I/O
        }
    }

    /**
     * Writes the payload of objects given as {@link #objectJson} made them, taken at {@code writtenAt},
     * to {@code out}, one object after the other: the same JSON as {@link #write} writes for the
     * objects themselves. Holds nothing of the payload: at 10,000 Services it is about 18 MB, which
     * {@link SnapshotWriter} compresses as it comes.
     */
    public static void writeJson(Instant writtenAt, List<? extends ObjectJson> objects, OutputStream out) throws IOException {
        out.write(("{\"writtenAt\":\"" + writtenAt + "\",\"objects\":[").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) out.write(',');
            objects.get(i).writeTo(out);
        }
        out.write(']');
        out.write('}');
    }

    /**
     * The model objects of {@code kinds} in the payload read from {@code payload} to its end, object
     * by object (one object's JSON tree at a time, never the whole payload). All or nothing: an object
     * of a listed kind that does not read as that kind, or a payload stream that fails before its end
     * (a chunk of the file damaged after the objects read so far), makes the whole payload corrupt,
     * never a partial result.
     *
     * @throws CorruptSnapshotException naming the first problem
     * @throws IOException              when reading fails for another reason than the file's content
     */
    public static Decoded read(InputStream payload, List<Kind<?, ?>> kinds) throws CorruptSnapshotException, IOException {
        try (JsonParser p = MAPPER.createParser(payload)) {
            return read(p, kinds);
        } catch (IOException e) {
            java.util.Optional<CorruptSnapshotException> corrupt = CorruptSnapshotException.unwrap(e);
            if (corrupt.isPresent()) throw corrupt.get();
            if (e instanceof JsonProcessingException) {
                throw new CorruptSnapshotException("payload is not JSON: " + firstLine(e.getMessage()), e);
            }
            throw e;
        }
    }

    private static Decoded read(JsonParser p, List<Kind<?, ?>> kinds) throws IOException, CorruptSnapshotException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new CorruptSnapshotException("payload is not a JSON object");
        Map<String, Kind<?, ?>> byName = new HashMap<>();
        for (Kind<?, ?> k : kinds) byName.put(k.qualifiedName(), k);
        Map<Kind<?, ?>, List<Object>> byKind = new LinkedHashMap<>();
        SortedMap<String, Integer> skipped = new TreeMap<>();
        int converted = 0;
        Instant writtenAt = null;
        boolean sawObjects = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("writtenAt")) {
                writtenAt = value == JsonToken.VALUE_STRING ? instant(p.getText()) : null;
                if (writtenAt == null) throw new CorruptSnapshotException("payload has no valid writtenAt");
            } else if (field.equals("objects")) {
                if (value != JsonToken.START_ARRAY) throw new CorruptSnapshotException("payload has no objects array");
                sawObjects = true;
                for (int i = 0; ; i++) {
                    JsonToken element = p.nextToken();
                    if (element == JsonToken.END_ARRAY) break;
                    if (element == null) throw new CorruptSnapshotException("payload ends inside its objects array");
                    JsonNode node = p.readValueAsTree();
                    String name = node.path("apiVersion").asText("") + " " + node.path("kind").asText("");
                    if (name.isBlank()) throw new CorruptSnapshotException("object " + i + " has no apiVersion and kind");
                    Kind<?, ?> kind = byName.get(name);
                    if (kind == null) {
                        skipped.merge(name, 1, Integer::sum);
                        continue;
                    }
                    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(convert(kind, node, i));
                    converted++;
                }
            } else {
                p.skipChildren(); // a field of a later envelope this agent does not know
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) throw new CorruptSnapshotException("payload is not a JSON object");
        if (writtenAt == null) throw new CorruptSnapshotException("payload has no valid writtenAt");
        if (!sawObjects) throw new CorruptSnapshotException("payload has no objects array");
        // to the payload's end: the stream checks the rest of the file (its last chunk, the end frame) there
        if (p.nextToken() != null) throw new CorruptSnapshotException("payload has more after its JSON object");
        Snapshot.Builder b = Snapshot.builder();
        byKind.forEach((kind, list) -> putAll(b, kind, list));
        return new Decoded(writtenAt, b.build(), converted, skipped);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static <F extends HasMetadata, T> T convert(Kind<F, T> kind, JsonNode node, int index)
            throws CorruptSnapshotException {
        T model;
        try {
            F api = SERIALIZATION.convertValue(node, kind.apiType());
            if (api.getMetadata() == null || api.getMetadata().getName() == null) {
                throw new CorruptSnapshotException("object " + index + " (" + kind + ") has no metadata.name");
            }
            model = kind.convert(api);
        } catch (IllegalArgumentException e) {
            throw new CorruptSnapshotException("object " + index + " does not read as a " + kind.qualifiedName() + ": "
                    + firstLine(e.getMessage()), e);
        }
        if (model == null) throw new CorruptSnapshotException("object " + index + " (" + kind + ") converts to nothing");
        return model;
    }

    @SuppressWarnings("unchecked") // every element of list was produced by kind's converter, so it is a T
    private static <T> void putAll(Snapshot.Builder b, Kind<?, T> kind, List<Object> list) {
        b.putAll(kind, (List<T>) (List<?>) list);
    }

    private static String firstLine(String s) {
        String m = String.valueOf(s);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
