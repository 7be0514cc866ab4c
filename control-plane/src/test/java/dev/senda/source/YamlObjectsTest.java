package dev.senda.source;

import dev.senda.model.ObjectRef;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlObjectsTest {
    @Test
    void multiDocumentWithListsDefaultsAndIgnoredKinds() throws Exception {
        var parsed = YamlObjects.parse("""
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                spec: {clusterIP: 10.96.0.1, ports: [{port: 80}]}
                ---
                # only a comment
                ---
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Service
                  metadata: {name: b, namespace: x}
                - apiVersion: discovery.k8s.io/v1
                  kind: EndpointSlice
                  metadata: {name: b-1, namespace: x}
                  addressType: IPv4
                ---
                apiVersion: v1
                kind: Service
                metadata: {namespace: x}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                """);
        assertEquals(List.of(new ObjectRef("default", "a"), new ObjectRef("x", "b")),
                parsed.services().stream().map(s -> s.ref()).toList());
        assertEquals(List.of(new ObjectRef("x", "b-1")), parsed.endpointSlices().stream().map(s -> s.ref()).toList());
        assertEquals(2, parsed.ignored().size(), parsed.ignored().toString());
    }

    @Test
    void emptyTextIsNothing() throws Exception {
        var parsed = YamlObjects.parse("");
        assertTrue(parsed.services().isEmpty());
        assertTrue(parsed.ignored().isEmpty());
    }

    @Test
    void syntaxAndTypeErrorsFailTheWholeText() {
        var e = assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: ok}
                ---
                apiVersion: v1
                kind: Service
                metadata: [
                """));
        assertTrue(e.getMessage().contains("line"), e.getMessage());
        assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                spec: {ports: [{port: eighty}]}
                """));
    }

    @Test
    void aListIsAListWhateverOrderItsKeysComeIn() throws Exception {
        // kubectl get -o yaml writes keys sorted: items before kind, and endpoints before kind in a slice.
        var parsed = YamlObjects.parse("""
                apiVersion: v1
                items:
                - apiVersion: v1
                  kind: Service
                  metadata: {name: a, namespace: x}
                - addressType: IPv4
                  apiVersion: discovery.k8s.io/v1
                  endpoints:
                  - addresses: [10.244.0.1]
                  kind: EndpointSlice
                  metadata: {name: a-1, namespace: x, labels: {kubernetes.io/service-name: a}}
                - kind: ServiceList
                  items:
                  - {apiVersion: v1, kind: Service, metadata: {name: nested}}
                - just a string
                kind: List
                metadata:
                  resourceVersion: ""
                """);
        assertEquals(List.of(new ObjectRef("x", "a"), new ObjectRef("default", "nested")),
                parsed.services().stream().map(s -> s.ref()).toList());
        assertEquals(List.of("10.244.0.1"), parsed.endpointSlices().getFirst().endpoints().getFirst().addresses());
        assertEquals(List.of("a list item that is not a mapping"), parsed.ignored());
    }

    @Test
    void aTopLevelSequenceOfObjectsCountsToo() throws Exception {
        var parsed = YamlObjects.parse("""
                - {apiVersion: v1, kind: Service, metadata: {name: a}}
                - {apiVersion: v1, kind: Service, metadata: {name: b}}
                """);
        assertEquals(2, parsed.services().size());
    }

    @Test
    void onlyExactApiVersionsMatchAndManyIgnoredAreCountedNotListed() throws Exception {
        StringBuilder text = new StringBuilder("""
                apiVersion: discovery.k8s.io/v1beta1
                kind: EndpointSlice
                metadata: {name: old}
                """);
        for (int i = 0; i < 20; i++) text.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm").append(i).append("}\n");
        var parsed = YamlObjects.parse(text.toString());
        assertEquals(0, parsed.objectCount());
        assertEquals(21, parsed.ignoredCount());
        assertEquals(YamlObjects.IGNORED_EXAMPLES, parsed.ignored().size(), "examples are bounded");
        assertEquals("discovery.k8s.io/v1beta1 EndpointSlice old", parsed.ignored().getFirst());
    }

    @Test
    void yaml12ScalarsAnchorsAndAliases() throws Exception {
        var parsed = YamlObjects.parse("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: a
                  labels: &labels {enabled: yes, legacy: on, version: "1.10"}
                spec: {clusterIP: 10.96.0.1, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: b, labels: *labels}
                """);
        var a = parsed.services().getFirst();
        assertEquals("yes", a.labels().get("enabled"), "yes/no/on/off stay text, as in YAML 1.2");
        assertEquals("on", a.labels().get("legacy"));
        assertEquals("1.10", a.labels().get("version"));
        assertEquals(a.labels(), parsed.services().get(1).labels(), "the alias repeats the anchored mapping");
    }

    @Test
    void typeErrorsNameTheLineAndTheObject() {
        var e = assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: fine}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: broken, namespace: x}
                spec: {ports: [{port: eighty}]}
                """));
        assertTrue(e.getMessage().startsWith("line 5, "), e.getMessage());
        assertTrue(e.getMessage().contains("Service x/broken"), e.getMessage());
        assertTrue(e.getMessage().contains("spec.ports[0].port: "), e.getMessage());
        assertTrue(e.getMessage().contains("eighty"), e.getMessage());
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                metadata: {name: b}
                """));
        assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("""
                kind: List
                items: []
                items: []
                """));
        assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: a, name: b}
                """));
    }

    @Test
    void aStreamReadsLikeAString() throws Exception {
        String text = """
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: b}
                """;
        var parsed = YamlObjects.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1 << 20, Kinds.ALL);
        assertEquals(YamlObjects.parse(text).services(), parsed.services());
        assertFalse(parsed.services().isEmpty());
    }

    @Test
    void jsonIsReadAsJsonEvenWithTabs() throws Exception {
        // YAML forbids tabs for indentation; fabric8 reads text that starts with '{' or '[' as JSON.
        String json = "\n {\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Service\",\n\t\"metadata\": {\"name\": \"j\"}\n}\n";
        assertEquals(List.of(new ObjectRef("default", "j")), YamlObjects.parse(json).services().stream().map(s -> s.ref()).toList());
        var streamed = YamlObjects.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), 1 << 20, Kinds.ALL);
        assertEquals(1, streamed.services().size());
        var e = assertThrows(YamlObjects.ParseException.class, () -> YamlObjects.parse("{\"kind\": "));
        assertTrue(e.getMessage().startsWith("line 1"), e.getMessage());
    }
}
