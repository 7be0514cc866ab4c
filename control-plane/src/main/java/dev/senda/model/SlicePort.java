package dev.senda.model;

/**
 * One entry of an EndpointSlice's {@code ports}: the number a Service port (matched by name and
 * protocol) reaches on every endpoint of this slice.
 *
 * @param name        the port name, empty when absent (it then matches an unnamed Service port)
 * @param protocol    as given; null when absent (the API default is TCP)
 * @param port        the endpoint port; null when absent
 * @param appProtocol as given; null when absent
 */
public record SlicePort(String name, String protocol, Integer port, String appProtocol) {
    public SlicePort {
        name = name == null ? "" : name;
    }
}
