package dev.senda.model;

/**
 * One entry of a Service's {@code spec.ports}, as given.
 *
 * @param name       the port's name, empty when absent (single-port Services may omit it)
 * @param protocol   "TCP", "UDP", "SCTP" or whatever the object said; null when absent (the API default is TCP)
 * @param port       the Service port; null when absent
 * @param targetPort null when absent (the API default is the same number as {@code port})
 * @param nodePort   null when absent
 */
public record ServicePort(String name, String protocol, Integer port, TargetPort targetPort, Integer nodePort) {
    public ServicePort {
        name = name == null ? "" : name;
    }
}
