package dev.senda.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectKind;
import dev.senda.model.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Reads objects of the registered {@link Kinds} out of (multi-document) Kubernetes YAML or JSON, as a
 * stream: one object is in memory as a tree at a time, then bound to its fabric8 class with the
 * API client's own deserializer (so fields mean what they mean to the client) and converted to its
 * model record. A file of any size therefore costs the memory of its model objects, not of its text.
 * Used by {@link DirectorySource} and by the golden tests.
 *
 * <p>What a text may hold:
 * <ul>
 *   <li>any number of documents; empty ones (only comments) count for nothing;</li>
 *   <li>objects, matched to a kind by their exact apiVersion and kind; a document of any other kind,
 *       or without apiVersion/kind, is skipped and noted in {@link Parsed#ignored()};</li>
 *   <li>lists: as kubectl reads them, a mapping with a top-level {@code items} sequence is a list
 *       ({@code kind: List}, {@code ServiceList}, the output of {@code kubectl get -o yaml}) and
 *       contributes its items, whatever order its keys come in; lists nest up to
 *       {@value #MAX_LIST_DEPTH} deep;</li>
 *   <li>anchors, aliases and merge keys, within Jackson's bounds on how much they may expand;</li>
 *   <li>JSON instead: text whose first non-blank character is '{' or '[' is read as JSON, as fabric8
 *       decides.</li>
 * </ul>
 * A namespaced object without a namespace lands in {@value #DEFAULT_NAMESPACE}; a cluster-scoped one
 * gets none, whatever it says. Only {@code true}/{@code false} are booleans (YAML 1.2, as fabric8
 * and kubectl's JSON path read them): an unquoted {@code yes} stays text.
 */
public final class YamlObjects {
    /** Where kubectl puts an object whose manifest names no namespace. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** How many ignored documents a {@link Parsed} describes; the rest are only counted. */
    static final int IGNORED_EXAMPLES = 5;
    private static final int MAX_LIST_DEPTH = 4;

    /** How far the JSON check looks past leading blanks. */
    private static final int JSON_SNIFF_BYTES = 8192;
    /** For JSON text; like the YAML parsers, it leaves the stream to its owner. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    /** Builds trees only. A duplicate key is an error, as in the YAML fabric8 reads. */
    private static final ObjectMapper TREES = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private YamlObjects() {
    }

    /** The objects of one text, by kind, in the order the text gives them (duplicates kept). */
    public static final class Parsed {
        private final Map<Class<?>, List<?>> byType;
        private final List<String> ignored;
        private final int ignoredCount;

        Parsed(Map<Class<?>, List<?>> byType, List<String> ignored, int ignoredCount) {
            Map<Class<?>, List<?>> copy = new HashMap<>();
            byType.forEach((type, objects) -> copy.put(type, List.copyOf(objects)));
            this.byType = Map.copyOf(copy);
            this.ignored = List.copyOf(ignored);
            this.ignoredCount = ignoredCount;
        }

        /** The objects of {@code kind}; empty when there is none. */
        public <T> List<T> all(ObjectKind<T> kind) {
            @SuppressWarnings("unchecked") // filled by Collector#add, which converts to kind.type()
            List<T> objects = (List<T>) byType.getOrDefault(kind.type(), List.of());
            return objects;
        }

        public List<Service> services() {
            return all(Kinds.SERVICE);
        }

        public List<EndpointSlice> endpointSlices() {
            return all(Kinds.ENDPOINT_SLICE);
        }

        /** How many objects of all kinds. */
        public int objectCount() {
            return byType.values().stream().mapToInt(List::size).sum();
        }

        /**
         * One human-readable line for each of the first {@value #IGNORED_EXAMPLES} documents that were
         * skipped (another kind, no name), for a log line; {@link #ignoredCount()} counts them all.
         */
        public List<String> ignored() {
            return ignored;
        }

        public int ignoredCount() {
            return ignoredCount;
        }

        /** "Service 2, EndpointSlice 1" over {@code kinds}, for logs. */
        public String describe(List<Kind<?, ?>> kinds) {
            StringJoiner j = new StringJoiner(", ");
            for (Kind<?, ?> k : kinds) j.add(k.kind() + " " + all(k).size());
            return j.toString();
        }
    }

    /** The text could not be read as Kubernetes objects at all (YAML syntax, wrong field types). */
    public static final class ParseException extends Exception {
        public ParseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses every document of {@code text} for the kinds the agent consumes ({@link Kinds#ALL}).
     *
     * @throws ParseException as {@link #read(InputStream, long, List)}
     */
    public static Parsed parse(String text) throws ParseException {
        try {
            Optional<Parsed> fast = readSubset(new java.io.ByteArrayInputStream(
                    text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), Kinds.ALL);
            if (fast.isPresent()) return fast.get();
            String start = text.stripLeading();
            boolean json = start.startsWith("{") || start.startsWith("[");
            return read(json ? JSON.createParser(new StringReader(text))
                    : factory(text.length()).createParser(new StringReader(text)), Kinds.ALL);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String", e); // a StringReader does not fail
        }
    }

    /**
     * Reads every document of {@code in} (UTF-8, or UTF-16/32 with a byte-order mark) as it streams.
     *
     * @param maxChars the longest document, in characters, the YAML parser accepts (SnakeYAML's
     *                 guard; its default of 3 Mi would refuse the single document of a large
     *                 {@code kubectl get -o yaml} dump): pass the bound already set on the input
     * @param kinds    the kinds to keep; documents of others are skipped
     * @throws ParseException when any document is not readable: the text is all or nothing, so a
     *                        half-written file never contributes half of its objects
     * @throws IOException    when {@code in} fails
     */
    public static Parsed read(InputStream in, long maxChars, List<Kind<?, ?>> kinds) throws IOException, ParseException {
        BufferedInputStream buffered = new BufferedInputStream(in, JSON_SNIFF_BYTES);
        return read(looksLikeJson(buffered) ? JSON.createParser(buffered) : factory(maxChars).createParser(buffered),
                kinds);
    }

    /**
     * As {@link #read(InputStream, long, List)} for a text in the subset of YAML that {@link YamlSubset}
     * reads (most manifests), about ten times faster; empty when the text is not in it, or when an
     * object in it does not bind: the caller then reads the text again with {@code read}, which names
     * what is wrong. Reads {@code in} to its end unless it declines earlier.
     *
     * @throws IOException when {@code in} fails
     */
    public static Optional<Parsed> readSubset(InputStream in, List<Kind<?, ?>> kinds) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, JSON_SNIFF_BYTES);
        if (looksLikeJson(buffered)) return Optional.empty();
        Collector out = new Collector(kinds);
        try {
            YamlSubset.read(buffered, out);
        } catch (YamlSubset.Unsupported | ParseException e) {
            return Optional.empty();
        }
        return Optional.of(out.parsed());
    }

    /**
     * As fabric8 decides (and so as the files of a directory source were always read): text whose first
     * non-blank character is '{' or '[' is JSON. That matters for JSON indented with tabs, which YAML
     * forbids.
     */
    private static boolean looksLikeJson(BufferedInputStream in) throws IOException {
        in.mark(JSON_SNIFF_BYTES);
        try {
            for (int i = 0; i < JSON_SNIFF_BYTES; i++) {
                int c = in.read();
                if (c < 0 || !Character.isWhitespace(c)) return c == '{' || c == '[';
            }
            return false;
        } finally {
            in.reset();
        }
    }

    /** A parser factory whose per-document limit is {@code maxChars} (at least SnakeYAML's default). */
    private static YAMLFactory factory(long maxChars) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) Math.clamp(maxChars, options.getCodePointLimit(), Integer.MAX_VALUE));
        YAMLFactory plain = YAMLFactory.builder()
                .loaderOptions(options)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE) // the caller owns the stream (and may read on)
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .build();
        // Replays aliases (bounded by Jackson: at most 9999 anchors, references and replayed events).
        return new YAMLAnchorReplayingFactory(plain, TREES);
    }

    private static Parsed read(JsonParser parser, List<Kind<?, ?>> kinds) throws IOException, ParseException {
        Collector out = new Collector(kinds);
        try (parser) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) { // one round per document
                JsonLocation at = parser.currentTokenLocation();
                switch (token) {
                    case START_OBJECT -> document(parser, out, at);
                    case START_ARRAY -> sequence(parser, out, 1);
                    case VALUE_NULL -> { } // "~" or "null"
                    default -> {
                        // An empty document (comments only) reads as an empty scalar.
                        if (!parser.getText().isEmpty()) out.ignore("a document without apiVersion/kind");
                    }
                }
            }
        } catch (JsonProcessingException e) {
            // SnakeYAML wraps a failing input stream in a parse error: that is an I/O error still.
            IOException io = inputFailure(e);
            if (io != null) throw io;
            throw new ParseException(where(e.getLocation()) + oneLine(e.getOriginalMessage()), e);
        }
        return out.parsed();
    }

    /** The input's own IOException somewhere in {@code e}'s causes, if any (bounded walk). */
    private static IOException inputFailure(Throwable e) {
        Throwable c = e.getCause();
        for (int i = 0; c != null && i < 10; i++, c = c.getCause()) {
            if (c instanceof IOException io && !(c instanceof JsonProcessingException)) return io;
        }
        return null;
    }

    /** The value at the parser's current token as a tree; YAML null is a NullNode. */
    private static JsonNode tree(JsonParser p) throws IOException {
        JsonNode n = TREES.readTree(p);
        return n == null ? NullNode.getInstance() : n;
    }

    /**
     * One top-level mapping, read key by key: an {@code items} sequence is handed on item by item
     * (never held as one tree); the other keys are kept and make the object when there are no items.
     */
    private static void document(JsonParser p, Collector out, JsonLocation start) throws IOException, ParseException {
        ObjectNode rest = JsonNodeFactory.instance.objectNode();
        boolean list = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (rest.has(key) || (list && key.equals("items"))) {
                throw new ParseException(where(p.currentTokenLocation()) + "duplicate key '" + key + "'", null);
            }
            if (key.equals("items") && value == JsonToken.START_ARRAY) {
                list = true;
                sequence(p, out, 1);
            } else {
                rest.set(key, tree(p));
            }
        }
        if (!list) out.object(rest, 0, start);
    }

    /** The items of a list or a top-level sequence, one at a time; the parser is at START_ARRAY. */
    private static void sequence(JsonParser p, Collector out, int depth) throws IOException, ParseException {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) throw new ParseException("unexpected end of input in a sequence", null);
            JsonLocation at = p.currentTokenLocation();
            JsonNode item = tree(p);
            if (item instanceof ObjectNode o) {
                out.object(o, depth, at);
            } else if (!item.isNull()) {
                out.ignore("a list item that is not a mapping");
            }
        }
    }

    /** Gathers the objects of one text and the notes about what was skipped. */
    private static final class Collector implements YamlSubset.Handler {
        private final Map<String, Kind<?, ?>> byName = new HashMap<>();
        private final Map<Class<?>, List<?>> byType = new LinkedHashMap<>();
        private final List<String> ignored = new ArrayList<>();
        private int ignoredCount;

        Collector(List<Kind<?, ?>> kinds) {
            for (Kind<?, ?> k : kinds) byName.put(k.qualifiedName(), k);
        }

        Parsed parsed() {
            return new Parsed(byType, ignored, ignoredCount);
        }

        @Override
        public void object(ObjectNode node, int depth) throws ParseException {
            object(node, depth, null); // a location only matters for a message, which the full parser writes
        }

        @Override
        public void ignore(String what) {
            if (ignoredCount++ < IGNORED_EXAMPLES) ignored.add(what);
        }

        /** One object, or a list nested in a list. */
        void object(ObjectNode node, int depth, JsonLocation at) throws ParseException {
            JsonNode items = node.get("items");
            if (items != null && items.isArray()) {
                if (depth >= MAX_LIST_DEPTH) {
                    ignore("a list nested more than " + MAX_LIST_DEPTH + " deep");
                    return;
                }
                for (JsonNode item : items) {
                    if (item instanceof ObjectNode o) object(o, depth + 1, at);
                    else if (!item.isNull()) ignore("a list item that is not a mapping");
                }
                return;
            }
            String apiVersion = node.path("apiVersion").asText("");
            String kind = node.path("kind").asText("");
            Kind<?, ?> k = byName.get(apiVersion + " " + kind);
            if (k == null) {
                ignore(apiVersion.isEmpty() && kind.isEmpty() ? "a document without apiVersion/kind"
                        : apiVersion + " " + kind + " " + name(node));
                return;
            }
            add(k, node, at);
        }

        private <F extends HasMetadata, T> void add(Kind<F, T> kind, ObjectNode node, JsonLocation at)
                throws ParseException {
            Optional<T> direct = kind.treeReader().read(node, given -> namespace(kind, given));
            if (direct.isPresent()) {
                keep(kind, direct.get());
                return;
            }
            F api;
            try {
                // Bound straight from the tree (convertValue would write the tree out and read it back).
                api = ApiMapper.MAPPER.treeToValue(node, kind.apiType());
            } catch (JsonMappingException e) {
                // Wrong field types ("port: eighty"): name the field and keep Jackson's word on the value.
                throw new ParseException(where(at) + kind.kind() + " " + name(node) + ": " + mappingError(e), e);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new ParseException(where(at) + kind.kind() + " " + name(node) + ": " + oneLine(e.getMessage()), e);
            }
            ObjectMeta meta = api.getMetadata();
            if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
                ignore(kind.kind() + " without metadata.name");
                return;
            }
            meta.setNamespace(namespace(kind, meta.getNamespace()));
            keep(kind, kind.convert(api));
        }

        /**
         * The namespace an object of {@code kind} that gives {@code given} (null when absent) lands in:
         * none for a cluster-scoped kind, whatever it says; {@value YamlObjects#DEFAULT_NAMESPACE} when it names none.
         */
        private static String namespace(Kind<?, ?> kind, String given) {
            if (!kind.namespaced()) return null;
            return given == null || given.isEmpty() ? DEFAULT_NAMESPACE : given;
        }

        private <T> void keep(Kind<?, T> kind, T model) {
            @SuppressWarnings("unchecked") // the list for kind.type() only ever holds T
            List<T> list = (List<T>) byType.computeIfAbsent(kind.type(), t -> new ArrayList<T>());
            list.add(model);
        }

        private static String name(JsonNode node) {
            JsonNode meta = node.path("metadata");
            String ns = meta.path("namespace").asText("");
            String name = meta.path("name").asText("?");
            return ns.isEmpty() ? name : ns + "/" + name;
        }
    }

    /** "spec.ports[0].port: Cannot deserialize value of type ..." without Jackson's class-name trail. */
    private static String mappingError(JsonMappingException m) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) path.append('[').append(r.getIndex()).append(']');
        }
        return (path.isEmpty() ? "" : path + ": ") + oneLine(m.getOriginalMessage());
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    }

    /** The parser's message on one line, bounded (SnakeYAML's span several lines with a caret). */
    private static String oneLine(String s) {
        if (s == null) return "unreadable";
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}
