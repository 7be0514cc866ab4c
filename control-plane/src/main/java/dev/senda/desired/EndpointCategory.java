package dev.senda.desired;

/**
 * Which of {@link EndpointCategorizer}'s endpoint sets a frontend balances over: every usable
 * endpoint of the Service ({@link #CLUSTER}), or only those on this node ({@link #LOCAL}, for a
 * traffic policy of "Local").
 */
enum EndpointCategory {
    CLUSTER, LOCAL
}
