package dev.senda.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.senda.source.snapshot.SnapshotContent;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * How the API source receives one {@link Kind}: the class its informer binds list items and watch events
 * to ({@code wireType}), and from such an object the model record and the snapshot JSON.
 *
 * <p>Two ways, chosen by the kind ({@link #of}): bound to fabric8's model class and converted
 * ({@link Kind#converter()}); or, for a kind with an {@link Kind#apiTree() ApiTree class}, read as a tree,
 * converted by the kind's {@link TreeReader} and bound only when the reader declines, so the model is
 * the converter's either way (the tree reader's contract).
 *
 * @param wireType what the informer reads objects into
 * @param model    the model record of one object; null when it cannot be made (said in the log), never throws on content
 * @param json     the object's snapshot JSON ({@link SnapshotContent#objectJson}'s form)
 * @param <W>      the wire type
 * @param <T>      the model type
 */
record ApiBinding<W extends HasMetadata, T>(Class<W> wireType, Function<W, T> model, Function<W, byte[]> json) {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiBinding.class);

    ApiBinding {
        Objects.requireNonNull(wireType, "wireType");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(json, "json");
    }

    /** The way {@code kind} declares: as trees when it has an {@link ApiTree} class, bound otherwise. */
    static <F extends HasMetadata, T> ApiBinding<?, T> of(Kind<F, T> kind) {
        return kind.apiTree().<ApiBinding<?, T>>map(tree -> trees(kind, tree)).orElseGet(() -> bound(kind));
    }

    /** fabric8's model class, converted. */
    static <F extends HasMetadata, T> ApiBinding<F, T> bound(Kind<F, T> kind) {
        return new ApiBinding<>(kind.apiType(), kind::convert, SnapshotContent::objectJson);
    }

    /**
     * Trees of {@code treeType}: the tree reader's record, else the converter's of the tree bound to
     * fabric8's class. An API object's namespace is its own (no defaulting: the API server sets it).
     */
    static <F extends HasMetadata, T, W extends ApiTree> ApiBinding<W, T> trees(Kind<F, T> kind, Class<W> treeType) {
        return new ApiBinding<>(treeType, w -> kind.treeReader().read(w.tree(), UnaryOperator.identity())
                .orElseGet(() -> bind(kind, w)), ApiTree::json);
    }

    private static <F extends HasMetadata, T> T bind(Kind<F, T> kind, ApiTree w) {
        F api;
        try {
            api = ApiMapper.MAPPER.treeToValue(w.tree(), kind.apiType());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // The API server validates what it stores, so this is an object of a newer shape than fabric8's.
            LOG.warn("cannot read {}: {}", w, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return null;
        }
        return kind.convert(api);
    }
}
