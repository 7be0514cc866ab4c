package dev.senda.e2e;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

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
