package dev.senda.source;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A kind's shortcut from a YAML tree straight to its model record, past the fabric8 binding and its
 * {@link Converters} step (a large part of reading a directory at start). Optional per kind, declared
 * in its {@link Kind}; {@link TreeReaders} holds them.
 *
 * <p>Contract: the result, when present, equals {@code converter(treeToValue(node))} after the
 * collector's namespace handling. Whenever the node holds anything the reader does not handle exactly
 * as that path would (a field it does not know, a value of another JSON type, a missing name), it
 * returns empty, and the binding path reads the node: that path stays the only author of errors and
 * the judge of every odd case, so declining is always correct and only costs time.
 *
 * @param <T> the model type
 */
@FunctionalInterface
public interface TreeReader<T> {
    /** Declines every node: kinds that only bind. */
    TreeReader<Object> NONE = (node, namespace) -> Optional.empty();

    /**
     * @param node      one object of the kind (apiVersion and kind already matched)
     * @param namespace the namespace the object's ref gets, from the {@code metadata.namespace} it gives
     *                  (null when absent): the collector's defaulting and cluster-scope rule
     * @return the model record, or empty to leave the node to the binding path
     */
    Optional<T> read(ObjectNode node, UnaryOperator<String> namespace);

    /** {@link #NONE} for any model type. */
    @SuppressWarnings("unchecked") // declines everything: no T is ever produced
    static <T> TreeReader<T> none() {
        return (TreeReader<T>) (TreeReader<?>) NONE;
    }
}
