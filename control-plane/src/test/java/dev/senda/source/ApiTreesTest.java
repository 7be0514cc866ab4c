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
        assertEquals(2, trees, "Service and EndpointSlice are read as trees");
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
            assertEquals(model, kind.convert(ApiMapper.MAPPER.readValue(json, kind.apiType())), what);
            assertTrue(snapshotFromTree.path("metadata").path("managedFields").isMissingNode(), what);
            assertFalse(snapshotFromTree.path("metadata").path("annotations").has(SnapshotContent.LAST_APPLIED), what);
        }
        return items.size();
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

    /** {@code o} with what an API server adds: a namespace, resourceVersion, uid, managedFields, last-applied. */
    private static ObjectNode asFromAnApiServer(ObjectNode o, int n) {
        ObjectNode copy = o.deepCopy();
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
