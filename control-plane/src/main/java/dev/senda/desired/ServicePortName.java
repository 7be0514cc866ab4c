package dev.senda.desired;

/** namespace/name:port of a Service port, for logs, metrics and the CLI (port may be empty). */
public record ServicePortName(String namespace, String name, String port) {
    @Override
    public String toString() {
        return namespace + "/" + name + (port == null || port.isEmpty() ? "" : ":" + port);
    }
}
