package dev.senda.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast reader of the usual subset of YAML against the full parser: every text it takes must give
 * the trees (and so the objects) the full parser gives, and every text outside the subset must be
 * declined, never read differently.
 */
class YamlSubsetTest {
    /** The full parser as YamlObjects configures it (booleans only true/false). */
    private static final ObjectMapper FULL = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build());

    /** Texts in the subset, each with the shapes manifests take. */
    static final String[] TAKEN = {
            // as the start benchmark's ServiceFiles writes them (flow sequences and mappings)
            """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: svc-000000
              namespace: bench
            spec:
              type: ClusterIP
              ipFamilies: [IPv4]
              clusterIP: 10.96.0.1
              clusterIPs: [10.96.0.1]
              ports:
                - name: http
                  protocol: TCP
                  port: 80
                  targetPort: 8080
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: svc-000000-1
              namespace: bench
              labels:
                kubernetes.io/service-name: svc-000000
            addressType: IPv4
            ports:
              - name: http
                protocol: TCP
                port: 8080
            endpoints:
              - addresses: [10.128.0.0]
                conditions: {ready: true, serving: true, terminating: false}
              - addresses: ["10.128.0.1"]
                conditions: { ready: false , serving: true }
            """,
            // as kubectl get -o yaml writes them: a List, sequences at their key's indentation, quoted numbers
            """
            apiVersion: v1
            items:
            - apiVersion: v1
              kind: Service
              metadata:
                annotations:
                  note: 'it''s "quoted"'
                  empty: ""
                creationTimestamp: "2026-12-06T10:00:00Z"
                labels:
                  app.kubernetes.io/name: web
                name: web
                namespace: default
                resourceVersion: "1234"
                uid: 0a1b2c3d-1111-2222-3333-444455556666
              spec:
                clusterIP: 10.96.12.7
                clusterIPs:
                - 10.96.12.7
                - fd00:10:96::7
                internalTrafficPolicy: Cluster
                ports:
                - name: http
                  nodePort: 30080
                  port: 80
                  protocol: TCP
                  targetPort: http
                selector:
                  app: web
                sessionAffinity: None
                type: NodePort
              status:
                loadBalancer: {}
            kind: List
            metadata:
              resourceVersion: ""
            """,
            // comments, nulls, negative numbers, CIDRs, quoted keys, nested and empty sequence items, a root sequence
            """
            # a comment first
            - apiVersion: v1   # trailing comment
              kind: Service
              "metadata":
                name: a#b
                namespace: ~
              spec:
                externalIPs: []
                loadBalancerSourceRanges: [10.0.0.0/8, 192.168.0.0/16]
                sessionAffinityConfig:
                  clientIP:
                    timeoutSeconds: -1
                extra:
                nested:
                  - - 1
                    - two
                  -
                  - k: null
                empty: {}
                url: http://example.com/a:b
            -
            - just text
            """,
            "",
            "---\n# nothing\n---\n",
            "kind: Service\r\napiVersion: v1\r\nmetadata:\r\n  name: crlf\r\n",
    };

    /** Texts outside the subset (valid YAML or not): the fast reader must decline each. */
    static final String[] DECLINED = {
            "a: b\rc: d\n",                  // a carriage return alone
            "a: b\r",                        // ... at the end of the text
            "a: b\r\r\n",                    // ... before a "\r\n"
            "a: b\r\nc: d\re\n",             // ... after a "\r\n" in the text
            "a: [a:]\n",                     // SnakeYAML: a mapping {a: ""} in the sequence
            "a: {k: http://x/?a=b}\n",       // SnakeYAML refuses the '?'
            "a: [a?b]\n",
            "a: {k: a:}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a:\n\tb: 1\n",
            "a: caf\u00e9\n",
            "\ufeffa: 1\n",
            "a: yes\n",
            "a: True\n",
            "a: Null\n",
            "a: 1.5\n",
            "a: 0x1F\n",
            "a: 012\n",
            "a: 1:20\n",
            "a: 2001:db8::1\n",
            "a: .inf\n",
            "a: 12345678901\n",
            "a: 2026-12-06\n",
            "a: one\n  two\n",
            "a: [1,\n  2]\n",
            "a: 1\na: 2\n",
            "<<: {a: 1}\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: \"x\\ny\"\n",
            "--- {a: 1}\n",
            "  a: 1\n",
            "a: 1\n b: 2\n",
            "a: b: c\n",
            "? a\n: b\n",
            "a: [x: 1]\n",
            "a: [1, ]\n",
            "on: 1\n",
            "plain scalar document\n",
    };

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void takesTheUsualSubsetAndReadsItAsTheFullParserDoes(int i) throws Exception {
        String text = TAKEN[i];
        assertEquals(full(text), subset(text), text);
    }

    @Test
    void declinesEverythingElse() {
        for (String text : DECLINED) {
            assertThrows(YamlSubset.Unsupported.class, () -> subset(text), text);
        }
    }

    @Test
    void declinesLinesAboveItsBoundWhichTheFullParserStillReads() throws Exception {
        String text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: long\n  annotations:\n    note: "
                + "x".repeat(YamlSubset.MAX_LINE) + "\n";
        assertThrows(YamlSubset.Unsupported.class, () -> subset(text));
        assertEquals("long", YamlObjects.parse(text).services().getFirst().ref().name());
        // The longest line taken: exactly the bound (a "\r\n"'s carriage return counts towards it).
        String key = "apiVersion: v1\nkind: Service\nmetadata:\n  name: long\n  annotations:\n    note: ";
        String longest = key + "x".repeat(YamlSubset.MAX_LINE - "    note: ".length()) + "\n";
        assertEquals(full(longest), subset(longest));
        assertThrows(YamlSubset.Unsupported.class,
                () -> subset(key + "x".repeat(YamlSubset.MAX_LINE - "    note: ".length()) + "\r\n"));
    }

    @Test
    void declinedTextsAreStillReadByTheFullParser() throws Exception {
        String text = """
                apiVersion: v1
                kind: Service
                metadata: &meta
                  name: anchored
                spec:
                  clusterIP: 10.96.0.9
                  ports: [{port: 80}]
                """;
        assertTrue(YamlObjects.readSubset(stream(text), Kinds.ALL).isEmpty());
        assertEquals("anchored", YamlObjects.parse(text).services().getFirst().ref().name());
    }

    @Test
    void anObjectThatDoesNotBindIsLeftToTheFullParserAndItsMessage() throws Exception {
        String text = """
                apiVersion: v1
                kind: Service
                metadata: {name: bad}
                spec:
                  ports:
                  - port: eighty
                """;
        assertTrue(YamlObjects.readSubset(stream(text), Kinds.ALL).isEmpty());
        YamlObjects.ParseException e = assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse(text));
        assertTrue(e.getMessage().startsWith("line 1, column 1: Service bad: spec.ports[0].port"), e.getMessage());
    }

    @Test
    void givesTheObjectsTheFullParserGives() throws Exception {
        for (int i : new int[]{0, 1, 2}) {
            var fast = YamlObjects.readSubset(stream(TAKEN[i]), Kinds.ALL).orElseThrow();
            var full = YamlObjects.read(stream(TAKEN[i]), 1 << 20, Kinds.ALL);
            assertEquals(full.services(), fast.services());
            assertEquals(full.endpointSlices(), fast.endpointSlices());
            assertEquals(full.ignored(), fast.ignored());
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What the fast reader hands on: "depth node" per object, "ignored: ..." per note. */
    private static List<String> subset(String text) throws Exception {
        List<String> out = new ArrayList<>();
        YamlSubset.read(stream(text), new YamlSubset.Handler() {
            @Override
            public void object(ObjectNode node, int depth) {
                out.add(depth + " " + node);
            }

            @Override
            public void ignore(String what) {
                out.add("ignored: " + what);
            }
        });
        return out;
    }

    /** The same from the full parser's trees, by YamlObjects' rules for documents, lists and root sequences. */
    private static List<String> full(String text) throws Exception {
        List<String> out = new ArrayList<>();
        try (JsonParser p = FULL.getFactory().createParser(text)) {
            while (p.nextToken() != null) {
                JsonNode doc = FULL.readTree(p);
                if (doc instanceof ObjectNode o && o.get("items") != null && o.get("items").isArray()) {
                    items(o.get("items"), out);
                } else if (doc instanceof ObjectNode o) {
                    out.add("0 " + o);
                } else if (doc.isArray()) {
                    items(doc, out);
                } else if (!doc.isNull() && !doc.asText().isEmpty()) {
                    out.add("ignored: a document without apiVersion/kind");
                }
            }
        }
        return out;
    }

    private static void items(JsonNode items, List<String> out) {
        for (JsonNode item : items) {
            if (item instanceof ObjectNode o) out.add("1 " + o);
            else if (!item.isNull()) out.add("ignored: a list item that is not a mapping");
        }
    }

    /** Short texts repeated in a file are one String in the model (not one per object); numbers-like ones are not shared. */
    @Test
    void repeatedShortTextsOfAFileAreOneString() throws Exception {
        String text = """
                apiVersion: v1
                kind: Service
                metadata: {name: a, namespace: bench, labels: {app: web}}
                spec: {clusterIPs: [10.96.0.1], ports: [{name: http, protocol: TCP, port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: b
                  namespace: "bench"
                  labels:
                    'app': web
                spec:
                  clusterIPs: ["10.96.0.1"]
                  ports:
                  - name: http
                    protocol: TCP
                    port: 81
                """;
        var services = YamlObjects.readSubset(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                List.of(Kinds.SERVICE)).orElseThrow().services();
        assertEquals(2, services.size());
        var a = services.get(0);
        var b = services.get(1);
        assertEquals("bench", b.ref().namespace());
        assertSame(a.ref().namespace(), b.ref().namespace());
        assertSame(a.ports().getFirst().name(), b.ports().getFirst().name());
        assertSame(a.ports().getFirst().protocol(), b.ports().getFirst().protocol());
        assertSame(a.labels().keySet().iterator().next(), b.labels().keySet().iterator().next());
        assertSame(a.labels().get("app"), b.labels().get("app"));
        assertEquals(a.clusterIPs(), b.clusterIPs());
        assertNotSame(a.clusterIPs().getFirst(), b.clusterIPs().getFirst());
    }
}
