package dev.senda.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Consumer;

/**
 * fabric8's CRUD dispatcher whose lookup of one object by name ({@link #findResource}: the conflict
 * check of every create, and the lookup of every update and delete) reads an index by name instead of
 * scanning every stored object. The stock dispatcher's scan makes creating N objects cost N^2/2
 * comparisons: 20,000 Services and EndpointSlices took about three minutes here, this about seconds.
 *
 * <p>The index sits in the store itself: the dispatcher's {@code map} (a {@link LinkedHashMap} in
 * fabric8 7.5, written only through {@code put} and {@code remove}) is replaced, by reflection at
 * construction, with a {@link NameIndexedMap} of the same order that keeps the index with every write.
 * Objects are stored under an {@link AttributeSet} that holds their {@code name} attribute (fabric8's
 * {@code KubernetesAttributesExtractor}); a query without a name falls back to the scan, and any
 * candidate is checked with {@link AttributeSet#matches} as the scan checks it, so results are the
 * scan's. Used where a test creates objects by the ten thousand ({@link ServiceScale}).
 *
 * <p>Lists are paged as an API server pages them: a list with {@code limit=N} answers N items and a
 * {@code metadata.continue} token for the rest, which the next request passes back. The stock
 * dispatcher ignores the limit and answers every object in one response (13 MB for 10,000
 * EndpointSlices), which no client of a real API server that asks for pages meets, and which the
 * client's HTTP stack then keeps alive with its idle connection. A list is taken whole at its first page
 * and its later pages are cut from that copy (a real API server serves them from one snapshot too);
 * copies are dropped when their last page is served.
 */
final class NameIndexedCrudDispatcher extends KubernetesCrudDispatcher {
    private static final String NAME = "name";
    private final NameIndexedMap store;

    NameIndexedCrudDispatcher() {
        store = new NameIndexedMap();
        try {
            var field = CrudDispatcher.class.getDeclaredField("map");
            field.setAccessible(true);
            store.putAll(map);
            field.set(this, store);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8's CrudDispatcher has no 'map' store to index", e);
        }
    }

    /** Lists being paged, by continue token prefix: their items (each as JSON) and their metadata. */
    private final Map<String, PagedList> paging = new ConcurrentHashMap<>();
    private final AtomicLong pagedLists = new AtomicLong();

    private record PagedList(ArrayNode items, ObjectNode list) {
    }

    /**
     * What an API server answers to {@code GET /version}. The stock dispatcher takes the path for a
     * query without attributes and answers a list of every object it holds (about 34 MB at 10,000
     * Services), which the agent's watchdog probe ({@code GET /version} after 30 s of silence) reads
     * whole: the agent's memory then grew by some 50 MB every 30 s in the scale tests, from the mock.
     */
    static final String VERSION = "{\"major\":\"1\",\"minor\":\"34\",\"gitVersion\":\"v1.34.0\",\"platform\":\"linux/amd64\"}";

    @Override
    public MockResponse handleGet(String path) {
        if (path.equals("/version") || path.startsWith("/version?")) {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(VERSION);
        }
        Map<String, String> query = query(path);
        String limitText = query.get("limit");
        if (limitText == null || "true".equals(query.get("watch"))) return super.handleGet(path);
        int limit = Integer.parseInt(limitText);
        String token = query.get("continue");
        PagedList list;
        int from;
        if (token == null || token.isEmpty()) {
            MockResponse whole = super.handleGet(path);
            if (whole.code() != 200) return whole;
            ObjectNode parsed;
            try {
                parsed = (ObjectNode) JSON.readTree(whole.getBody().getBytes());
            } catch (java.io.IOException | ClassCastException e) {
                return whole; // not a list: a get of one object
            }
            if (!(parsed.get("items") instanceof ArrayNode items)) return whole;
            parsed.remove("items");
            list = new PagedList(items, parsed);
            token = Long.toString(pagedLists.incrementAndGet());
            from = 0;
        } else {
            int colon = token.indexOf(':');
            String id = colon < 0 ? token : token.substring(0, colon);
            list = paging.get(id);
            if (list == null || colon < 0) return new MockResponse().setResponseCode(410).setBody(GONE);
            from = Integer.parseInt(token.substring(colon + 1));
            token = id;
        }
        int to = Math.min(list.items().size(), from + Math.max(1, limit));
        ObjectNode page = list.list().deepCopy();
        ArrayNode items = page.putArray("items");
        for (int i = from; i < to; i++) items.add(list.items().get(i));
        ObjectNode meta = page.withObjectProperty("metadata");
        if (to < list.items().size()) {
            paging.put(token, list);
            meta.put("continue", token + ":" + to);
        } else {
            paging.remove(token);
            meta.remove("continue");
        }
        return new MockResponse().setResponseCode(200).setBody(page.toString());
    }

    private static final String GONE = "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
            + "\"reason\":\"Expired\",\"code\":410}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> query(String path) {
        Map<String, String> out = new HashMap<>();
        int q = path.indexOf('?');
        if (q < 0) return out;
        for (String pair : path.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * A watch from a resourceVersion (what an informer opens after its list) is sent only the stored
     * objects whose version is newer, as an API server sends only the events after that version. The
     * stock dispatcher replays every stored object as ADDED on every watch it opens, so an informer
     * that had just listed 20,000 objects received and decoded all of them a second time: in the scale
     * test that cost the agent more CPU than the list itself, a cost no agent watching a real API server
     * pays. A newer object is sent as ADDED (an informer takes that as an update); a delete between the
     * list and the watch is not sent, as this store keeps no history of deletes (the scale test deletes
     * nothing). A watch without a version (or "0") is replayed in full, as before.
     */
    @Override
    public MockResponse handleWatch(String path) {
        MockResponse response = super.handleWatch(path);
        long since = version(query(path).get("resourceVersion"));
        if (since <= 0) return response;
        Object listener = response.getWebSocketListener();
        try {
            // fabric8's listener class is package-private: its public methods are reached by reflection
            Field onOpen = listener.getClass().getDeclaredField("onOpenAction");
            Method matches = listener.getClass().getMethod("attributeMatches", AttributeSet.class);
            Method send = listener.getClass().getMethod("sendWebSocketResponse", String.class, Watcher.Action.class);
            Field lockField = KubernetesCrudDispatcher.class.getDeclaredField("lock");
            for (var member : List.of(onOpen, matches, send, lockField)) member.setAccessible(true);
            ReadWriteLock lock = (ReadWriteLock) lockField.get(this);
            Consumer<Object> newerOnly = l -> {
                // Sent under the read lock, as the stock replay sends: a write (which notifies listeners
                // under the write lock) then cannot queue its event before this older version.
                lock.readLock().lock();
                try {
                    for (Map.Entry<AttributeSet, String> e : store.entrySet()) {
                        if (version(storedVersion(e.getValue())) > since && (boolean) matches.invoke(l, e.getKey())) {
                            send.invoke(l, e.getValue(), Watcher.Action.ADDED);
                        }
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                } finally {
                    lock.readLock().unlock();
                }
            };
            onOpen.set(listener, newerOnly);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8's watch listener changed shape", e);
        }
        return response;
    }

    /** A resourceVersion as a number; 0 for none or one that is not a number. */
    private static long version(String text) {
        if (text == null) return 0;
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The metadata.resourceVersion of a stored object's JSON, without parsing it (20,000 objects per watch). */
    private static String storedVersion(String json) {
        String marker = "\"resourceVersion\":\"";
        int at = json.indexOf(marker);
        if (at < 0) return null;
        int end = json.indexOf('"', at + marker.length());
        return end < 0 ? null : json.substring(at + marker.length(), end);
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        Attribute name = query.getAttribute(NAME);
        if (name == null) return super.findResource(query);
        for (AttributeSet key : store.named(name)) {
            if (key.matches(query)) return Map.entry(key, store.get(key));
        }
        return null;
    }

    /** Insertion-ordered, like the store it replaces, plus keys by their name attribute. */
    private static final class NameIndexedMap extends LinkedHashMap<AttributeSet, String> {
        private final Map<Attribute, Set<AttributeSet>> byName = new HashMap<>();

        Set<AttributeSet> named(Attribute name) {
            return byName.getOrDefault(name, Set.of());
        }

        @Override
        public String put(AttributeSet key, String value) {
            Attribute name = key.getAttribute(NAME);
            if (name != null) byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(key);
            return super.put(key, value);
        }

        @Override
        public String remove(Object key) {
            if (key instanceof AttributeSet k && containsKey(k)) {
                Attribute name = k.getAttribute(NAME);
                Set<AttributeSet> keys = name == null ? null : byName.get(name);
                if (keys != null) {
                    keys.remove(k);
                    if (keys.isEmpty()) byName.remove(name);
                }
            }
            return super.remove(key);
        }

        @Override
        public void clear() {
            byName.clear();
            super.clear();
        }
    }
}
