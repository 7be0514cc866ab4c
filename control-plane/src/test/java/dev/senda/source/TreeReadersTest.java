package dev.senda.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tree readers against the binding path they shortcut ({@code treeToValue} and {@link Converters}):
 * over every Service and EndpointSlice in the repository's YAML (golden inputs, examples, deploy/, the
 * fast reader's own texts) and seeded random mutations of them, reading with the readers gives exactly
 * what reading without them gives: the same records, the same notes, the same error. And the shapes
 * that matter for speed (as kubectl and the start benchmark write them) are really read by the readers.
 */
class TreeReadersTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The agent's kinds with their tree readers taken out: the binding path alone. */
    private static final List<Kind<?, ?>> BINDING_ONLY = Kinds.ALL.stream().<Kind<?, ?>>map(TreeReadersTest::bindingOnly).toList();

    private static <F extends io.fabric8.kubernetes.api.model.HasMetadata, T> Kind<F, T> bindingOnly(Kind<F, T> k) {
        return new Kind<>(k.apiVersion(), k.kind(), k.apiType(), k.type(), k.namespaced(), k.ref(), k.converter(),
                TreeReader.none(), java.util.Optional.empty());
    }

    /** What reading one object gives with {@code kinds}: its records and notes, or the error. */
    private static Object outcome(ObjectNode node, List<Kind<?, ?>> kinds) throws IOException {
        byte[] json = JSON.writeValueAsBytes(node);
        try {
            YamlObjects.Parsed p = YamlObjects.read(new ByteArrayInputStream(json), json.length, kinds);
            return List.of(p.services(), p.endpointSlices(), p.ignored());
        } catch (YamlObjects.ParseException e) {
            return "error: " + e.getMessage();
        }
    }

    /** Whether the kind's reader takes {@code node} (with the collector's namespace rule). */
    private static boolean taken(ObjectNode node) {
        Kind<?, ?> kind = kindOf(node);
        return kind != null && kind.treeReader().read(node, ns -> ns == null || ns.isEmpty() ? "default" : ns).isPresent();
    }

    private static Kind<?, ?> kindOf(ObjectNode node) {
        String name = node.path("apiVersion").asText("") + " " + node.path("kind").asText("");
        for (Kind<?, ?> k : List.of(Kinds.SERVICE, Kinds.ENDPOINT_SLICE)) if (k.qualifiedName().equals(name)) return k;
        return null;
    }

    /** Asserts that both paths agree on {@code node}; returns whether the reader took it. */
    private static boolean assertSameOutcome(ObjectNode node) throws IOException {
        Object expected = outcome(node, BINDING_ONLY);
        Object actual = outcome(node, Kinds.ALL);
        assertEquals(expected, actual, () -> node.toString());
        return taken(node);
    }

    /** Every Service and EndpointSlice of the repository's YAML, lists unpacked. */
    static List<ObjectNode> fixtures() throws IOException {
        List<String> texts = new ArrayList<>(List.of(YamlSubsetTest.TAKEN));
        for (Path dir : List.of(ROOT.resolve("control-plane/src/test/resources"), ROOT.resolve("examples"),
                ROOT.resolve("deploy"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
                    texts.add(Files.readString(f));
                }
            }
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (String text : texts) {
            List<JsonNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
                while (it.hasNext()) docs.add(it.next());
            } catch (IOException | RuntimeException e) {
                continue; // a malformed fixture: nothing to compare in it
            }
            for (JsonNode doc : docs) collect(doc, objects);
        }
        return objects;
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode o) {
            if (o.get("items") instanceof ArrayNode items) {
                for (JsonNode item : items) collect(item, out);
            } else if (kindOf(o) != null) {
                out.add(o);
            }
        } else if (node instanceof ArrayNode a) {
            for (JsonNode item : a) collect(item, out);
        }
    }

    @Test
    void everyFixtureReadsAsTheBindingPathReadsIt() throws IOException {
        List<ObjectNode> objects = fixtures();
        assertTrue(objects.size() >= 60, "fixtures found: " + objects.size());
        int taken = 0;
        for (ObjectNode o : objects) if (assertSameOutcome(o)) taken++;
        // Most fixtures are plain manifests: the readers must take them, not decline them all.
        assertTrue(taken * 2 > objects.size(), taken + " of " + objects.size() + " taken");
    }

    @Test
    void randomMutationsReadAsTheBindingPathReadsThem() throws IOException {
        List<ObjectNode> objects = fixtures();
        Random random = new Random(0x7ee);
        int samples = 0;
        int taken = 0;
        for (ObjectNode original : objects) {
            for (int i = 0; i < 60; i++) {
                ObjectNode node = original.deepCopy();
                int mutations = 1 + random.nextInt(3);
                for (int m = 0; m < mutations; m++) mutate(node, random);
                samples++;
                if (assertSameOutcome(node)) taken++;
            }
        }
        // Both ways matter: mutations the readers take (records compared) and ones they decline.
        assertTrue(taken > samples / 10 && taken < samples * 9 / 10, taken + " of " + samples + " taken");
        System.out.printf("[figure] tree readers: %,d of %,d mutated objects taken, all equal to the binding path%n",
                taken, samples);
    }

    /** Fields a mutation adds: unknown ones, and known ones of every level that fixtures rarely hold. */
    private static final List<String> ADDED = List.of("extraField", "name", "appProtocol", "zone", "hostname",
            "nodePort", "healthCheckNodePort", "externalIPs", "hints", "conditions", "forZones", "ingress",
            "loadBalancerSourceRanges", "allocateLoadBalancerNodePorts", "annotations", "labels", "namespace");

    /** One random change somewhere in the tree (never to apiVersion or kind, which pick the kind). */
    private static void mutate(ObjectNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        containers(root, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            if (o == root) keys.removeAll(List.of("apiVersion", "kind"));
            if (keys.isEmpty() || random.nextInt(8) == 0) {
                o.set(ADDED.get(random.nextInt(ADDED.size())), value(random, null));
                return;
            }
            String key = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(4)) {
                case 0 -> o.remove(key);
                case 1 -> o.set(key, NullNode.getInstance());
                default -> o.set(key, value(random, o.get(key)));
            }
        } else if (target instanceof ArrayNode a) {
            switch (random.nextInt(4)) {
                case 0 -> a.removeAll();
                case 1 -> a.insert(random.nextInt(a.size() + 1), NullNode.getInstance());
                case 2 -> {
                    if (!a.isEmpty()) {
                        int i = random.nextInt(a.size());
                        a.set(i, value(random, a.get(i)));
                    }
                }
                default -> a.add(value(random, a.isEmpty() ? null : a.get(0)));
            }
        }
    }

    private static void containers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) out.add(node);
        for (JsonNode child : node) containers(child, out);
    }

    /** A replacement for {@code old}: its type changed, or a like value (ints as strings, IPv6, names). */
    private static JsonNode value(Random random, JsonNode old) {
        if (old != null && random.nextBoolean()) {
            if (old.isInt()) return random.nextBoolean() ? TextNode.valueOf(old.asText()) : IntNode.valueOf(old.intValue() + 1);
            if (old.isTextual()) {
                String t = old.textValue();
                if (t.matches("-?[0-9]+")) return IntNode.valueOf(Integer.parseInt(t));
                if (t.contains(".") && t.chars().filter(c -> c == '.').count() == 3) return TextNode.valueOf("fd00::" + t.length());
                return random.nextBoolean() ? TextNode.valueOf("http") : IntNode.valueOf(7);
            }
            if (old.isBoolean()) return random.nextBoolean() ? TextNode.valueOf(old.asText()) : BooleanNode.valueOf(!old.booleanValue());
            if (old instanceof ArrayNode a) return a.isEmpty() ? NODES.arrayNode().add("10.0.0.1") : NODES.arrayNode();
            if (old instanceof ObjectNode) return NODES.objectNode();
        }
        return switch (random.nextInt(14)) {
            case 0 -> IntNode.valueOf(8080);
            case 1 -> TextNode.valueOf("8080");
            case 2 -> TextNode.valueOf("");
            case 3 -> TextNode.valueOf("http");
            case 4 -> BooleanNode.TRUE;
            case 5 -> DoubleNode.valueOf(1.5);
            case 6 -> LongNode.valueOf(1L << 40);
            case 7 -> NODES.arrayNode();
            case 8 -> NODES.objectNode();
            case 9 -> NODES.arrayNode().add("fd00::1");
            case 10 -> NODES.arrayNode().addNull();
            case 11 -> NODES.objectNode().put("x", "y");
            case 12 -> TextNode.valueOf("2025-03-01T10:00:00Z");
            default -> NullNode.getInstance();
        };
    }

    /** As kubectl get -o yaml and the start benchmark write them: these must take the shortcut. */
    @Test
    void theUsualShapesAreReadByTheReaders() throws IOException {
        String kubectl = """
                apiVersion: v1
                kind: Service
                metadata:
                  annotations:
                    note: x
                  creationTimestamp: "2025-03-01T10:00:00Z"
                  labels:
                    app: web
                  name: web
                  namespace: ns-1
                  resourceVersion: "100001"
                  uid: 0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9
                spec:
                  clusterIP: 10.96.0.1
                  clusterIPs:
                  - 10.96.0.1
                  internalTrafficPolicy: Cluster
                  ipFamilies:
                  - IPv4
                  ipFamilyPolicy: SingleStack
                  ports:
                  - name: http
                    port: 80
                    protocol: TCP
                    targetPort: http
                  selector:
                    app: web
                  sessionAffinity: ClientIP
                  sessionAffinityConfig:
                    clientIP:
                      timeoutSeconds: 10800
                  type: ClusterIP
                status:
                  loadBalancer: {}
                ---
                addressType: IPv4
                apiVersion: discovery.k8s.io/v1
                endpoints:
                - addresses:
                  - 10.244.0.7
                  conditions:
                    ready: true
                    serving: true
                    terminating: false
                  hints:
                    forZones:
                    - name: a
                  nodeName: node-1
                  targetRef:
                    kind: Pod
                    name: web-7d9f8c6b5-x2x4z
                    namespace: ns-1
                    uid: 0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9
                  zone: a
                kind: EndpointSlice
                metadata:
                  annotations:
                    endpoints.kubernetes.io/last-change-trigger-time: "2025-03-01T10:00:01Z"
                  generateName: web-
                  generation: 3
                  labels:
                    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
                    kubernetes.io/service-name: web
                  name: web-abcde
                  namespace: ns-1
                  ownerReferences:
                  - apiVersion: v1
                    blockOwnerDeletion: true
                    controller: true
                    kind: Service
                    name: web
                    uid: 5f6e7d8c-9b0a-4132-8475-a6b7c8d9e0f1
                  resourceVersion: "123456"
                  uid: 1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9
                ports:
                - name: http
                  port: 8080
                  protocol: TCP
                """;
        List<ObjectNode> objects = new ArrayList<>();
        for (String text : List.of(kubectl, YamlSubsetTest.TAKEN[0])) {
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
                while (it.hasNext()) collect(it.next(), objects);
            }
        }
        assertEquals(4, objects.size());
        for (ObjectNode o : objects) {
            assertTrue(assertSameOutcome(o), () -> "declined: " + o);
        }
        // Without a namespace: the collector's default, as on the binding path.
        ObjectNode bare = objects.getFirst().deepCopy();
        ((ObjectNode) bare.get("metadata")).remove("namespace");
        assertTrue(assertSameOutcome(bare));
        assertEquals("default", Kinds.SERVICE.treeReader().read(bare, ns -> ns == null ? "default" : ns)
                .orElseThrow().ref().namespace());
    }

    @Test
    void oddNodesAreDeclined() throws IOException {
        ObjectNode service = (ObjectNode) YAML.readTree("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports:
                  - port: 80
                """);
        assertTrue(taken(service));
        for (Map.Entry<String, JsonNode> odd : Map.<String, JsonNode>of(
                "port", TextNode.valueOf("80"), // a text where an int is: the binding coerces
                "name", IntNode.valueOf(5), // an int where a text is
                "targetPort", BooleanNode.TRUE,
                "unknownField", TextNode.valueOf("x")).entrySet()) {
            ObjectNode copy = service.deepCopy();
            ((ObjectNode) copy.get("spec").get("ports").get(0)).set(odd.getKey(), odd.getValue());
            assertTrue(!taken(copy), odd::toString);
            assertSameOutcome(copy);
        }
        ObjectNode nameless = service.deepCopy();
        ((ObjectNode) nameless.get("metadata")).remove("name");
        assertTrue(!taken(nameless));
        assertSameOutcome(nameless); // noted as a Service without metadata.name, by the binding path
    }
}
