package dev.senda.source;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.source.snapshot.SnapshotContent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * An API object as the API server sent it: its JSON tree, and the few metadata fields fabric8's
 * informer reads (namespace, name, resourceVersion, uid). The API source's informer binds the list
 * items and watch events of a kind that has a {@link TreeReader} to a subclass of this
 * ({@link ApiTrees}) instead of to fabric8's model class, for speed: a tree costs a fraction of
 * fabric8's binding (reflection for every field, a map of additional properties in every nested
 * object) and of writing the bound object out again as snapshot JSON; the kind's tree reader makes the
 * model record of it, the binding path only what the reader declines ({@link ApiBinding}).
 *
 * <p>Dropped while reading, before anything holds the tree: {@code metadata.managedFields} and kubectl's
 * last-applied annotation, which no converter reads and no snapshot keeps ({@link SnapshotContent}), and
 * which are often most of an object's size. An annotations object that held only the latter stays, empty,
 * as in the snapshot JSON of a bound object.
 *
 * <p>Watch events still pass fabric8's binding once: it reads a watch event's object into its own model
 * class and converts that to the informer's type, which writes it out for this class's reader (numbers
 * it holds as {@code Long}, such as {@code metadata.generation}, then arrive as long nodes). So a watched
 * change costs about what it did bound; the gain is the lists, the start's bulk.
 *
 * <p>fabric8 also makes instances itself, with the no-argument constructor and {@link #setMetadata}: the
 * informer cache's stubs. Those hold no tree; {@link #tree()} then gives one of their metadata alone.
 */
public abstract class ApiTree implements HasMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectMeta metadata;
    /** As received, less what the class comment says; null for a stub. */
    private ObjectNode tree;

    /** The object's JSON tree; for a stub (no tree), one of its apiVersion, kind and metadata. */
    @JsonValue
    public ObjectNode tree() {
        if (tree != null) return tree;
        ObjectNode stub = JsonNodeFactory.instance.objectNode().put("apiVersion", getApiVersion()).put("kind", getKind());
        stub.set("metadata", JSON.valueToTree(metadata));
        return stub;
    }

    /** The tree as snapshot JSON ({@link SnapshotContent#objectJson}'s form for a bound object). */
    public byte[] json() {
        try {
            return JSON.writeValueAsBytes(tree());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + getKind() + " " + metadata, e); // in memory: a bug
        }
    }

    /**
     * Drops the tree, keeping the metadata: called by the informer's cache once it has this object's
     * record and packed JSON ({@link CompactItemStore#put}). fabric8 then queues this same instance for the
     * handler, which may run seconds later while a start lists 20,000 objects: mid-list at 10,000 Services
     * its queue held 14,800 notifications, each with a whole tree, which the collector copied into the old
     * generation (the resident memory at {@code /healthz} 200 was 374-399 MiB with them, 341-359 without).
     * From then on {@link #tree()} gives the stub's tree.
     */
    void release() {
        tree = null;
    }

    /** Whether this holds an object's tree: false for a stub and once {@linkplain #release released}. */
    boolean hasTree() {
        return tree != null;
    }

    @Override
    public ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
        this.metadata = metadata;
    }

    /** The apiVersion is the class's ({@code @Group}, {@code @Version}): nothing to set. */
    @Override
    public void setApiVersion(String version) {
    }

    @Override
    public String toString() {
        return getKind() + " " + (metadata == null ? "(no metadata)" : metadata.getNamespace() + "/" + metadata.getName());
    }

    /**
     * Takes {@code object} as this object's tree, dropping what the class comment says, with the class's
     * apiVersion and kind where it has none: an API server leaves them out of a list's items, and the
     * snapshot JSON, the tree reader and the binding path all need them.
     */
    void read(ObjectNode object) {
        if (!object.path("apiVersion").isTextual()) object.put("apiVersion", getApiVersion());
        if (!object.path("kind").isTextual()) object.put("kind", getKind());
        ObjectMeta meta = new ObjectMeta();
        if (object.get("metadata") instanceof ObjectNode m) {
            m.remove("managedFields");
            if (m.get("annotations") instanceof ObjectNode annotations) annotations.remove(SnapshotContent.LAST_APPLIED);
            meta.setName(text(m, "name"));
            meta.setNamespace(text(m, "namespace"));
            meta.setResourceVersion(text(m, "resourceVersion"));
            meta.setUid(text(m, "uid"));
        }
        this.metadata = meta;
        this.tree = object;
    }

    private static String text(ObjectNode object, String field) {
        JsonNode v = object.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /**
     * Jackson's way to a subclass: reads one JSON object as a tree and keeps it ({@link #read}). Each
     * subclass names a nested subclass of this in its {@code @JsonDeserialize}.
     *
     * @param <W> the subclass
     */
    abstract static class Reader<W extends ApiTree> extends StdDeserializer<W> {
        private final transient Supplier<W> make;

        Reader(Class<W> type, Supplier<W> make) {
            super(type);
            this.make = make;
        }

        @Override
        public W deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p);
            if (!(node instanceof ObjectNode object)) {
                return ctxt.reportInputMismatch(this, "a %s must be a JSON object, not %s", handledType().getSimpleName(),
                        node.getNodeType());
            }
            W w = make.get();
            w.read(object);
            return w;
        }
    }
}
