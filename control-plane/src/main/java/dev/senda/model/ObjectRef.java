package dev.senda.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * namespace/name of a namespaced Kubernetes object. Both parts are non-null; a missing part is the
 * empty string (sources map what they are given, desired state decides what is acceptable).
 * Ordered by namespace, then name, so every iteration over objects is deterministic.
 */
public record ObjectRef(String namespace, String name) implements Comparable<ObjectRef> {
    private static final Comparator<ObjectRef> ORDER =
            Comparator.comparing(ObjectRef::namespace).thenComparing(ObjectRef::name);

    public ObjectRef {
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
    }

    @Override
    public int compareTo(ObjectRef o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
