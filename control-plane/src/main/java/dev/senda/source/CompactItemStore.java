package dev.senda.source;

import dev.senda.source.snapshot.ObjectJson;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An informer's cache ({@link ItemStore}, given to fabric8 with {@code SharedIndexInformer#itemStore})
 * that keeps per object only what Senda uses of it, instead of the whole API object fabric8 keeps by
 * default: the resourceVersion, the model record the object converts to (the same instance the
 * {@link ObjectStore} gets, so the two share it) and the object's JSON as the agent's snapshot of its
 * inputs holds it ({@code SnapshotContent.objectJson}: without managedFields and the last-applied
 * annotation), compressed ({@link PackedJson}).
 *
 * <p>Why: fabric8's model objects are large in memory (a map of additional properties in every nested
 * object, every field a separate object): at 10,000 Services x 10 endpoints they took about 45 MB of
 * heap beside Senda's own model of the same objects; their JSON takes 17.6 MB, and compressed about
 * 4 MB. Keeping the JSON also makes writing the snapshot a copy of bytes instead of serializing every
 * object again (0.2-0.5 s instead of 3.4 s there).
 *
 * <p>What fabric8 gets back ({@link #get}, {@link #values}, and the previous object from {@link #put}
 * and {@link #remove}) is a stub: an object of the kind with only metadata namespace, name and
 * resourceVersion. fabric8 uses them to skip an object whose resourceVersion did not change (a relist
 * replaying what it has), to find what a relist lacks (its delete notification carries the stub) and
 * for its namespace index; the source's handlers read nothing else of a deleted object. Because the
 * stub is not the object, {@link #isFullState()} is false: fabric8 then hands add notifications the
 * object as listed or watched, never a stub read back from here.
 *
 * <p>Thread-safe: fabric8 writes from its informer thread while the source reads models and JSON.
 *
 * @param <F> the fabric8 type
 * @param <T> the model type
 */
final class CompactItemStore<F extends HasMetadata, T> implements ItemStore<F> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CompactItemStore.class);
    /**
     * What is kept of one object.
     *
     * @param resourceVersion as the API server gave it; may be null (objects not from an API server)
     * @param model           the converted object; null when conversion failed (logged by the converter)
     * @param json            the object for the snapshot: of {@code jsonVersion}, which until
     *                        {@link #attachJson} (see there) may be the previous version's; null for an
     *                        object added and not yet seen by its handler
     * @param jsonVersion     the resourceVersion {@code json} is of
     */
    record Entry<T>(String resourceVersion, T model, PackedJson.Packed json, String jsonVersion) {
        /** Whether the JSON is of the version held (not the previous version's, kept until it comes). */
        boolean jsonCurrent() {
            return json != null && Objects.equals(jsonVersion, resourceVersion);
        }
    }

    private final Class<F> apiType;
    private final Function<F, T> convert;
    private final Function<F, byte[]> json;
    private final PackedJson packer;
    private final ConcurrentHashMap<String, Entry<T>> entries = new ConcurrentHashMap<>();
    private final java.lang.reflect.Constructor<F> stubConstructor;

    /**
     * @param apiType the fabric8 class, for stubs (it has a public no-argument constructor, as all of
     *                fabric8's model classes)
     * @param convert API object to model; may return null, never throws
     * @param json    API object to its snapshot JSON
     * @param packer  compresses the JSON; this store's alone
     */
    CompactItemStore(Class<F> apiType, Function<F, T> convert, Function<F, byte[]> json, PackedJson packer) {
        this.apiType = Objects.requireNonNull(apiType, "apiType");
        this.convert = Objects.requireNonNull(convert, "convert");
        this.json = Objects.requireNonNull(json, "json");
        this.packer = Objects.requireNonNull(packer, "packer");
        try {
            this.stubConstructor = apiType.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(apiType.getName() + " has no public no-argument constructor", e);
        }
    }

    /** fabric8's own key (namespace/name, or name alone for cluster-scoped objects), which stubs reproduce. */
    @Override
    public String getKey(F obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    /**
     * Keeps {@code obj}'s model, except when the entry held has the same resourceVersion: then it is the
     * same object again (a watch or relist replaying what was listed), and the entry stays as it is, so
     * the model instance the {@link ObjectStore} holds stays the only one. A new version whose model
     * equals the one held (a Pod's status, a Node's heartbeat: nothing Senda reads) keeps the held
     * instance too, as the store does. The JSON of a tree ({@link ApiTree}) is packed here, and the tree
     * released: the notification fabric8 then queues for the handler holds the metadata alone. The JSON
     * of another object comes later, from the handler ({@link #attachJson}); until then the previous
     * version's stays (a snapshot one version old beats none). An object without a resourceVersion is
     * packed at once. A JSON that cannot be made is left out (logged), never thrown into fabric8.
     */
    @Override
    public F put(String key, F obj) {
        String version = obj.getMetadata() == null ? null : obj.getMetadata().getResourceVersion();
        Entry<T> before = entries.get(key);
        if (before == null || version == null || !version.equals(before.resourceVersion())) {
            T model = convert.apply(obj);
            if (before != null && model != null && model.equals(before.model())) model = before.model();
            // fabric8 notifies no change between two objects without a version: their JSON cannot wait.
            // A tree's cannot either: the handler may run seconds later, and the tree would live until then.
            boolean tree = obj instanceof ApiTree a && a.hasTree();
            PackedJson.Packed packed = version == null || tree ? packQuietly(obj) : null;
            if (packed != null && obj instanceof ApiTree released) released.release();
            Entry<T> next = packed != null || version == null ? new Entry<>(version, model, packed, version)
                    : new Entry<>(version, model, before == null ? null : before.json(),
                            before == null ? null : before.jsonVersion());
            // a race with another put of the same key cannot happen: fabric8 writes under its cache's lock
            entries.put(key, next);
        }
        return stub(key, before);
    }

    /**
     * Adds {@code obj}'s snapshot JSON to its entry if that still holds this resourceVersion without
     * JSON; called by the handler with the object of every add and update notification.
     *
     * <p>Why not in {@link #put} for objects bound to fabric8's classes: fabric8 puts on the thread that
     * reads the list, which is what the start waits for; serializing and compressing 20,000 bound objects
     * there took 0.4-1 s more. The handler runs on a thread of its own, on the other core. A tree is
     * cheaper to write, and the handler's queue would hold it until then: trees come here packed and
     * released already. Every put of a new resourceVersion is followed by an add or update notification
     * with that object (fabric8 notifies whenever the version differs), so every entry gets its JSON once
     * its handler has run; until then {@link #json()} is empty.
     */
    void attachJson(F obj) {
        ObjectMeta meta = obj.getMetadata();
        if (meta == null || meta.getResourceVersion() == null) return; // put packed it already
        if (obj instanceof ApiTree t && !t.hasTree()) return; // put packed it, or a stub: nothing to pack
        String key = getKey(obj);
        String version = meta.getResourceVersion();
        Entry<T> e = entries.get(key);
        if (e == null || e.jsonCurrent() || !version.equals(e.resourceVersion())) return;
        PackedJson.Packed packed;
        try {
            packed = pack(obj);
        } catch (RuntimeException ex) {
            // never into fabric8's handler thread; the entry keeps the JSON it had (or none)
            LOG.warn("no snapshot JSON for {} {}: {}", apiType.getSimpleName(), key, ex.toString());
            return;
        }
        entries.computeIfPresent(key, (k, now) -> !now.jsonCurrent() && version.equals(now.resourceVersion())
                ? new Entry<>(now.resourceVersion(), now.model(), packed, version) : now);
    }

    private PackedJson.Packed packQuietly(F obj) {
        try {
            return pack(obj);
        } catch (RuntimeException ex) {
            LOG.warn("no snapshot JSON for {} {}: {}", apiType.getSimpleName(), getKey(obj), ex.toString());
            return null;
        }
    }

    private PackedJson.Packed pack(F obj) {
        byte[] plain = json.apply(obj);
        synchronized (packer) { // put and the handler may both pack
            return packer.pack(plain);
        }
    }

    @Override
    public F remove(String key) {
        return stub(key, entries.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return entries.keySet().stream();
    }

    @Override
    public Stream<F> values() {
        return entries.entrySet().stream().map(e -> stub(e.getKey(), e.getValue()));
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public F get(String key) {
        return stub(key, entries.get(key));
    }

    /** Stubs are not the objects: see the class comment. */
    @Override
    public boolean isFullState() {
        return false;
    }

    /**
     * The model of {@code obj}: the one kept for it when this store holds the same resourceVersion of
     * it (the usual case: fabric8 puts an object here before it hands it to the handlers), otherwise
     * converted now; for a released tree, which cannot be converted, the model of the version held (a
     * newer one, whose notification follows), or null when none is. Null when conversion fails.
     */
    T modelOf(F obj) {
        ObjectMeta meta = obj.getMetadata();
        Entry<T> e = meta == null ? null : entries.get(getKey(obj));
        if (e != null && meta.getResourceVersion() != null && meta.getResourceVersion().equals(e.resourceVersion())) {
            return e.model();
        }
        // A released tree has only its metadata left: the newer version this store holds (the
        // notification for it follows), or null when the object is gone (its delete follows).
        if (obj instanceof ApiTree t && !t.hasTree()) return e == null ? null : e.model();
        return convert.apply(obj);
    }

    /** Every model held now (conversion failures left out). */
    List<T> models() {
        List<T> out = new ArrayList<>(entries.size());
        for (Entry<T> e : entries.values()) {
            if (e.model() != null) out.add(e.model());
        }
        return out;
    }

    /**
     * The snapshot JSON of the objects held now: for an object whose handler has not run yet for the
     * version held, its previous version's JSON, and an object added and not yet seen by its handler is
     * left out (a snapshot programs at a start and never prunes: one object missing or a version old
     * until the next write beats no snapshot at all, which steady churn or a stop that drops pending
     * notifications would otherwise make).
     */
    List<ObjectJson> json() {
        List<ObjectJson> out = new ArrayList<>(entries.size());
        for (Entry<T> e : entries.values()) {
            if (e.json() != null) out.add(e.json());
        }
        return out;
    }

    private F stub(String key, Entry<T> entry) {
        if (entry == null) return null;
        int slash = key.indexOf('/');
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(slash < 0 ? null : key.substring(0, slash));
        meta.setName(slash < 0 ? key : key.substring(slash + 1));
        meta.setResourceVersion(entry.resourceVersion());
        F stub = newInstance();
        stub.setMetadata(meta);
        return stub;
    }

    private F newInstance() {
        try {
            return stubConstructor.newInstance();
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot make a " + apiType.getName(), e);
        }
    }
}
