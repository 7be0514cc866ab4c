package dev.senda.model;

import java.util.Objects;
import java.util.function.Function;

/**
 * A kind of object in Senda's model, used as the key for typed access to a {@link Snapshot}.
 *
 * <p>The model names no Kubernetes API type: the sources' descriptors ({@code dev.senda.source.Kind},
 * registered in {@code dev.senda.source.Kinds}) implement this interface and add how the kind is
 * read from the API. Two kinds are the same kind when their {@link #type()} is the same: a snapshot
 * keeps one table per model record class.
 *
 * @param <T> the model record of the kind
 */
public interface ObjectKind<T> {
    /** The Kubernetes kind, e.g. "Service": for logs and messages. */
    String kind();

    /** The model record class; one per kind. */
    Class<T> type();

    /** namespace/name of {@code object} (namespace "" for cluster-scoped kinds). */
    ObjectRef refOf(T object);

    /** A kind described by its parts, for code that needs only the model side (tests, {@link Snapshot}). */
    static <T> ObjectKind<T> of(String kind, Class<T> type, Function<T, ObjectRef> ref) {
        return new Basic<>(kind, type, ref);
    }

    /** The plain implementation behind {@link #of}. */
    record Basic<T>(String kind, Class<T> type, Function<T, ObjectRef> ref) implements ObjectKind<T> {
        public Basic {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public ObjectRef refOf(T object) {
            return ref.apply(object);
        }

        @Override
        public String toString() {
            return kind;
        }
    }
}
