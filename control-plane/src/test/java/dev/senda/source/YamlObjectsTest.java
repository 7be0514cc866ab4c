package dev.senda.source;

import dev.senda.model.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
