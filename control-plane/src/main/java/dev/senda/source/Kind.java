package dev.senda.source;

import dev.senda.model.ObjectKind;
import dev.senda.model.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything a source needs to deliver one kind of Kubernetes object: which API objects (apiVersion,
 * kind, the fabric8 class, whether namespaced), the converter to Senda's model record, and that
 * record's ref. Declared once per kind in {@link Kinds}; sources and the store handle every kind
 * through this descriptor alone.
 *
 * @param apiVersion e.g. "v1", "discovery.k8s.io/v1": a YAML document or API object matches only
 *                   this exact version
 * @param kind       e.g. "Service"
 * @param apiType    the fabric8 class the API client and the YAML reader deserialize into
 * @param type       the model record class (unique among the registered kinds)
 * @param namespaced false for cluster-scoped kinds (Node, Namespace): their refs have namespace ""
 * @param ref        namespace/name of a model object
 * @param converter  API object to model record; must not throw on content (see {@link Converters})
 * @param treeReader YAML or JSON tree to model record without binding, or declining ({@link TreeReader#none()}
 *                   for kinds without one): the directory source's shortcut, and the API source's with
 *                   {@code apiTree}; {@code converter} stays the definition of the record
 * @param apiTree    the {@link ApiTree} class the API source's informer reads this kind's objects into
 *                   (a tree, converted by {@code treeReader}), or empty: it binds them to {@code apiType}
 * @param <F>        the fabric8 type
 * @param <T>        the model type
 */
public record Kind<F extends HasMetadata, T>(String apiVersion, String kind, Class<F> apiType, Class<T> type,
                                             boolean namespaced, Function<T, ObjectRef> ref,
                                             Function<F, T> converter, TreeReader<T> treeReader,
                                             Optional<Class<? extends ApiTree>> apiTree)
        implements ObjectKind<T> {
    public Kind {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(apiType, "apiType");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(converter, "converter");
        Objects.requireNonNull(treeReader, "treeReader");
        Objects.requireNonNull(apiTree, "apiTree");
        if (apiTree.isPresent() && treeReader == TreeReader.NONE) {
            throw new IllegalArgumentException(kind + ": API objects read as trees need a tree reader");
        }
    }

    /**
     * A descriptor whose apiVersion, kind and scope come from the fabric8 class (its {@code @Group},
     * {@code @Version} annotations and the {@link Namespaced} marker), so they cannot disagree with
     * what the API client requests.
     */
    public static <F extends HasMetadata, T> Kind<F, T> of(Class<F> apiType, Class<T> type, Function<T, ObjectRef> ref,
                                                           Function<F, T> converter) {
        return new Kind<>(HasMetadata.getApiVersion(apiType), HasMetadata.getKind(apiType), apiType, type,
                Namespaced.class.isAssignableFrom(apiType), ref, converter, TreeReader.none(), Optional.empty());
    }

    /** As {@link #of(Class, Class, Function, Function)}, with a shortcut from YAML trees for directories. */
    public static <F extends HasMetadata, T> Kind<F, T> of(Class<F> apiType, Class<T> type, Function<T, ObjectRef> ref,
                                                           Function<F, T> converter, TreeReader<T> treeReader) {
        return new Kind<>(HasMetadata.getApiVersion(apiType), HasMetadata.getKind(apiType), apiType, type,
                Namespaced.class.isAssignableFrom(apiType), ref, converter, treeReader, Optional.empty());
    }

    /**
     * As {@link #of(Class, Class, Function, Function)}, with a shortcut from trees (see {@link TreeReader})
     * that both sources take: the directory's YAML trees, and the API server's objects read as
     * {@code apiTree}s.
     */
    public static <F extends HasMetadata, T> Kind<F, T> of(Class<F> apiType, Class<T> type, Function<T, ObjectRef> ref,
                                                           Function<F, T> converter, TreeReader<T> treeReader,
                                                           Class<? extends ApiTree> apiTree) {
        return new Kind<>(HasMetadata.getApiVersion(apiType), HasMetadata.getKind(apiType), apiType, type,
                Namespaced.class.isAssignableFrom(apiType), ref, converter, treeReader, Optional.of(apiTree));
    }

    @Override
    public ObjectRef refOf(T object) {
        return ref.apply(object);
    }

    /** The model object for {@code object}; null only when {@code object} is null. */
    public T convert(F object) {
        return object == null ? null : converter.apply(object);
    }

    /** "discovery.k8s.io/v1 EndpointSlice": how YAML documents and logs name the kind. */
    public String qualifiedName() {
        return apiVersion + " " + kind;
    }

    // Identity, not the record's component equality: the functions compare by identity anyway, and
    // a descriptor is a constant.
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return kind;
    }
}
