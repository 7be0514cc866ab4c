package dev.senda.desired;

import java.util.Objects;

/**
 * The output of {@link EndpointCategorizer#categorize}.
 *
 * @param cluster the usable endpoints anywhere in the cluster
 * @param local   the usable endpoints on this node; {@link ChosenEndpoints#NONE} when no traffic
 *                policy of the Service asks for them
 */
record EndpointCategories(ChosenEndpoints cluster, ChosenEndpoints local) {
    EndpointCategories {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(local, "local");
    }

    ChosenEndpoints get(EndpointCategory category) {
        return switch (category) {
            case CLUSTER -> cluster;
            case LOCAL -> local;
        };
    }
}
