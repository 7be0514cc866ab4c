package dev.senda.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.source.snapshot.SnapshotContent;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API source's tree path ({@link ApiTree}, {@link ApiBinding#trees}) against the binding path it
 * replaces ({@link ApiBinding#bound}): list pages as an API server sends them (managedFields, the
 * last-applied annotation, resourceVersion, uid), read the way fabric8's informer reads a page, give
 * the same model records and the same snapshot JSON either way, and the metadata fabric8 keys its cache by.
 */
class ApiTreesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** As the client reads list pages (its own serialization, the registry of model classes included). */
    private static final KubernetesSerialization CLIENT = new KubernetesSerialization();

    @Test
    void everyTreeClassNamesTheResourceOfItsKindsModelClass() {
        int trees = 0;
        for (Kind<?, ?> kind : Kinds.ALL) {
            if (kind.apiTree().isEmpty()) continue;
            trees++;
            Class<?> tree = kind.apiTree().get();
            Class<? extends HasMetadata> api = kind.apiType();
            assertEquals(HasMetadata.getApiVersion(api), HasMetadata.getApiVersion(tree), kind + " apiVersion");
            assertEquals(HasMetadata.getKind(api), HasMetadata.getKind(tree), kind + " kind");
            assertEquals(HasMetadata.getPlural(api), HasMetadata.getPlural(tree), kind + " plural");
            assertEquals(Namespaced.class.isAssignableFrom(api), Namespaced.class.isAssignableFrom(tree), kind + " scope");
        }
        assertTrue(trees >= 2 && Kinds.SERVICE.apiTree().isPresent() && Kinds.ENDPOINT_SLICE.apiTree().isPresent(),
                "Services and EndpointSlices, the bulk of a start, are read as trees");
    }

    @Test
    void aListPageReadAsTreesGivesWhatBindingGives() throws IOException {
        int compared = 0;
        int declined = 0;
        for (Kind<?, ?> kind : List.of(Kinds.SERVICE, Kinds.ENDPOINT_SLICE)) {
            List<ObjectNode> items = new ArrayList<>();
            for (ObjectNode o : TreeReadersTest.fixtures()) {
                if (kind.kind().equals(o.path("kind").asText()) && kind.apiVersion().equals(o.path("apiVersion").asText())) {
                    items.add(asFromAnApiServer(o, items.size()));
                }
            }
            // one the reader declines (a field it does not know): the binding path reads it
            ObjectNode odd = items.getFirst().deepCopy();
            odd.withObject("metadata").put("name", "odd").put("deletionGracePeriodSeconds", 30);
            items.add(odd);
            assertTrue(items.size() >= 10, kind + " fixtures: " + items.size());
            compared += compare(kind, items);
            declined += kind.treeReader().read(odd, n -> n).isEmpty() ? 1 : 0;
        }
        assertTrue(compared >= 40, "objects compared: " + compared);
        assertEquals(2, declined, "the odd objects took the binding path");
    }

    /**
     * The shapes a real API server sends, listed (items without apiVersion and kind) and watched (fabric8
     * binds a watch event's object, then converts it to the tree class: long numbers such as a slice's
     * generation arrive as long nodes), are read by the tree readers, not left to the binding path: a
     * reader declining every real object would only show as a slower start.
     */
    @Test
    void realApiObjectsListedOrWatchedAreReadByTheReaders() throws IOException {
        ObjectNode service = (ObjectNode) JSON.readTree("""
                {"metadata": {"name": "web", "namespace": "shop", "uid": "6f1c", "resourceVersion": "4711",
                  "creationTimestamp": "2026-12-06T10:00:00Z", "labels": {"app": "web"},
                  "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                  "managedFields": [{"manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
                    "time": "2026-12-06T10:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]},
                 "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20"],
                  "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
                  "sessionAffinity": "None", "selector": {"app": "web"},
                  "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]},
                 "status": {"loadBalancer": {}}}
                """);
        ObjectNode slice = (ObjectNode) JSON.readTree("""
                {"metadata": {"name": "web-x7k2p", "generateName": "web-", "namespace": "shop", "uid": "9a2e",
                  "resourceVersion": "4712", "generation": 3, "creationTimestamp": "2026-12-06T10:00:01Z",
                  "labels": {"kubernetes.io/service-name": "web",
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                  "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2026-12-06T10:00:01Z"},
                  "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "web", "uid": "6f1c",
                    "controller": true, "blockOwnerDeletion": true}],
                  "managedFields": [{"manager": "kube-controller-manager", "operation": "Update"}]},
                 "addressType": "IPv4",
                 "endpoints": [{"addresses": ["10.244.1.7"], "nodeName": "node-1", "zone": "a",
                   "conditions": {"ready": true, "serving": true, "terminating": false},
                   "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-1", "uid": "77aa"},
                   "hints": {"forZones": [{"name": "a"}]}}],
                 "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}
                """);
        assertReadByTheReader(Kinds.SERVICE, service);
        assertReadByTheReader(Kinds.ENDPOINT_SLICE, slice);
    }

    private static <F extends HasMetadata, T> void assertReadByTheReader(Kind<F, T> kind, ObjectNode item)
            throws IOException {
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        page.put("apiVersion", kind.apiVersion()).put("kind", kind.kind() + "List");
        page.putArray("items").add(item);
        String text = JSON.writeValueAsString(page);
        F bound = readPage(text, kind.apiType()).getFirst();
        ApiTree listed = (ApiTree) readPage(text, ApiBinding.of(kind).wireType()).getFirst();
        ApiTree watched = (ApiTree) CLIENT.convertValue(bound, ApiBinding.of(kind).wireType());
        T expected = kind.convert(bound);
        for (ApiTree tree : List.of(listed, watched)) {
            java.util.Optional<T> read = kind.treeReader().read(tree.tree(), n -> n);
            assertTrue(read.isPresent(), kind + " declined by its reader: " + tree.tree());
            assertEquals(expected, read.get(), kind.toString());
            assertEquals(List.of(expected), List.copyOf(snapshotOf(tree.json()).inputs().all(kind).values()));
        }
    }

    @Test
    void aStubHasTheMetadataFabric8GaveIt() throws IOException {
        ApiTrees.ServiceTree stub = new ApiTrees.ServiceTree();
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace("ns");
        meta.setName("web");
        meta.setResourceVersion("7");
        stub.setMetadata(meta);
        JsonNode json = JSON.readTree(stub.json());
        assertEquals("v1", json.path("apiVersion").asText());
        assertEquals("Service", json.path("kind").asText());
        assertEquals("web", json.path("metadata").path("name").asText());
        assertEquals("7", json.path("metadata").path("resourceVersion").asText());
        assertEquals("Service ns/web", stub.toString());
    }

    /** Reads {@code items} as one list page both ways; returns how many objects were compared. */
    private static <F extends HasMetadata, T> int compare(Kind<F, T> kind, List<ObjectNode> items) throws IOException {
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        page.put("apiVersion", kind.apiVersion()).put("kind", kind.kind() + "List");
        page.putObject("metadata").put("resourceVersion", "100");
        page.putArray("items").addAll(items);
        String text = JSON.writeValueAsString(page);
        ApiBinding<F, T> bound = ApiBinding.bound(kind);
        ApiBinding<?, T> trees = ApiBinding.of(kind);
        List<F> boundItems = readPage(text, bound.wireType());
        List<? extends HasMetadata> treeItems = readPage(text, trees.wireType());
        assertEquals(items.size(), treeItems.size());
        for (int i = 0; i < items.size(); i++) {
            F b = boundItems.get(i);
            HasMetadata t = treeItems.get(i);
            String what = kind + " " + b.getMetadata().getNamespace() + "/" + b.getMetadata().getName();
            assertEquals(b.getMetadata().getName(), t.getMetadata().getName(), what);
            assertEquals(b.getMetadata().getNamespace(), t.getMetadata().getNamespace(), what);
            assertEquals(b.getMetadata().getResourceVersion(), t.getMetadata().getResourceVersion(), what);
            assertEquals(b.getMetadata().getUid(), t.getMetadata().getUid(), what);
            T model = modelOf(trees, t);
            assertNotNull(model, what);
            assertEquals(bound.model().apply(b), model, what);
            // The snapshot JSON reads back as the same object (not byte for byte what a bound object
            // writes: fabric8 leaves empty lists out, the tree keeps them as the API server sent them).
            byte[] json = jsonOf(trees, t);
            JsonNode snapshotFromTree = JSON.readTree(json);
            assertEquals(List.of(model), List.copyOf(snapshotOf(json).inputs().all(kind).values()), what);
            assertTrue(snapshotFromTree.path("metadata").path("managedFields").isMissingNode(), what);
            assertFalse(snapshotFromTree.path("metadata").path("annotations").has(SnapshotContent.LAST_APPLIED), what);
        }
        return items.size();
    }

    /** {@code json} as the one object of a snapshot, read back as an agent reads it at a start. */
    private static SnapshotContent.Decoded snapshotOf(byte[] json) throws IOException {
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        SnapshotContent.writeJson(java.time.Instant.EPOCH, List.of(dev.senda.source.snapshot.ObjectJson.of(json)), payload);
        try {
            return SnapshotContent.read(new java.io.ByteArrayInputStream(payload.toByteArray()), Kinds.ALL);
        } catch (dev.senda.source.snapshot.CorruptSnapshotException e) {
            throw new AssertionError("the snapshot of " + new String(json, java.nio.charset.StandardCharsets.UTF_8)
                    + " does not read back", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <W extends HasMetadata, T> T modelOf(ApiBinding<W, T> binding, HasMetadata object) {
        return binding.model().apply((W) object);
    }

    @SuppressWarnings("unchecked")
    private static <W extends HasMetadata> byte[] jsonOf(ApiBinding<W, ?> binding, HasMetadata object) {
        return binding.json().apply((W) object);
    }

    /** A page read as fabric8's list call reads it for {@code type}. */
    private static <W extends HasMetadata> List<W> readPage(String text, Class<W> type) {
        java.lang.reflect.Type listType = CLIENT.constructParametricType(DefaultKubernetesResourceList.class, type);
        KubernetesResourceList<W> list = CLIENT.unmarshal(
                new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new com.fasterxml.jackson.core.type.TypeReference<KubernetesResourceList<W>>() {
                    @Override
                    public java.lang.reflect.Type getType() {
                        return listType;
                    }
                });
        return list.getItems();
    }

    /**
     * {@code o} as an API server lists it: without apiVersion and kind, with a namespace, resourceVersion,
     * uid, managedFields and (every other one) the last-applied annotation.
     */
    private static ObjectNode asFromAnApiServer(ObjectNode o, int n) {
        ObjectNode copy = o.deepCopy();
        // a list's items come without them from an API server (kubernetes/kubernetes#63676)
        copy.remove("apiVersion");
        copy.remove("kind");
        ObjectNode meta = copy.withObject("metadata");
        if (!meta.path("namespace").isTextual()) meta.put("namespace", "default");
        meta.put("name", Objects.requireNonNullElse(meta.path("name").textValue(), "unnamed") + "-" + n);
        meta.put("resourceVersion", String.valueOf(1000 + n)).put("uid", "uid-" + n);
        ArrayNode managed = meta.putArray("managedFields");
        managed.addObject().put("manager", "kubectl").put("operation", "Apply").putObject("fieldsV1").putObject("f:spec");
        if (n % 2 == 0) meta.withObject("annotations").put(SnapshotContent.LAST_APPLIED, "{\"kind\":\"x\"}");
        assertNull(copy.get("items"));
        return copy;
    }
}
