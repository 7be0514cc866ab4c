package dev.senda.model;

import java.util.Objects;

/**
 * What desired state may know about the node the agent runs on. Only the name for now; zone and
 * node addresses join when topology and NodePort arrive.
 */
public record NodeInfo(String nodeName) {
    public NodeInfo {
        Objects.requireNonNull(nodeName, "nodeName");
    }
}
