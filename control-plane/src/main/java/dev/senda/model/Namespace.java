package dev.senda.model;

import java.util.Map;
import java.util.Objects;

/**
 * What NetworkPolicy needs of a Kubernetes Namespace: its labels, for namespaceSelectors.
 * Cluster-scoped: {@code ref} is "" / metadata.name.
 *
 * @param ref    "" / metadata.name
 * @param labels metadata.labels as given (never null); the API server always sets
 *               {@value #NAME_LABEL}, a consumer must not rely on it being present here
 */
public record Namespace(ObjectRef ref, Map<String, String> labels) {
    /** The label the API server sets on every namespace to its name. */
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    public Namespace {
        Objects.requireNonNull(ref, "ref");
        labels = Immutables.map(labels);
    }

    /** metadata.name. */
    public String name() {
        return ref.name();
    }
}
