package dev.senda.desired;

import java.util.Objects;

/**
 * One validated entry of {@code spec.ports}.
 *
 * @param name  empty for an unnamed port; it matches the EndpointSlice port of the same name
 * @param port  1..65535
 * @param proto the protocol (TCP when the object left it unset)
 */
record ParsedPort(String name, int port, L4Protocol proto) {
    ParsedPort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(proto, "proto");
        if (port < 1 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }
}
