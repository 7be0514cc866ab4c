package dev.senda.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What NetworkPolicy needs of a Kubernetes Pod, and nothing more: the agent watches every pod of the
 * cluster, so the record stays small. Kept as given; the policy compiler decides what counts.
 *
 * @param ref         namespace/name
 * @param labels      metadata.labels (never null)
 * @param nodeName    spec.nodeName; null while unscheduled
 * @param hostNetwork spec.hostNetwork (false when absent)
 * @param phase       status.phase, e.g. "Running", "Succeeded", "Failed"; null when absent
 * @param podIPs      status.podIPs in the object's order, or status.podIP alone when podIPs is absent
 *                    (never null)
 * @param ports       the container ports that have a name, of containers and init (sidecar) containers,
 *                    in the object's order (never null): what a NetworkPolicy's named port resolves to
 */
public record Pod(ObjectRef ref, Map<String, String> labels, String nodeName, boolean hostNetwork, String phase,
                  List<String> podIPs, List<NamedPort> ports) {
    public Pod {
        Objects.requireNonNull(ref, "ref");
        labels = Immutables.map(labels);
        podIPs = Immutables.list(podIPs);
        ports = Immutables.list(ports);
    }

    /**
     * One named container port, as given.
     *
     * @param name     the port's name (an IANA_SVC_NAME in a valid pod)
     * @param port     containerPort; null when absent
     * @param protocol "TCP", "UDP", "SCTP"; null when absent (the API's default is TCP)
     */
    public record NamedPort(String name, Integer port, String protocol) {
    }
}
