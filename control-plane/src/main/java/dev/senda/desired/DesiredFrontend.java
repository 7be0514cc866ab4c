package dev.senda.desired;

import java.util.List;
import java.util.Objects;

/**
 * A frontend, the kind of Service address it is, and the backends it balances over, in slot order
 * (slot 1 = first element).
 * An empty list means the Service exists but has no usable endpoint: the datapath refuses.
 * Every backend has the frontend's address family (the datapath does not translate between families).
 * {@code affinity} is the Service's session affinity ({@link SessionAffinity#NONE} for none).
 * {@code sourceRanges} are the only sources that may open flows to it, all of its family (empty: any
 * source; {@link SourceRanges} says which frontends get them).
 */
public record DesiredFrontend(Frontend frontend, ServicePortName servicePort, List<DesiredBackend> backends,
                              FrontendKind kind, SessionAffinity affinity, List<Cidr> sourceRanges) {
    public DesiredFrontend {
        Objects.requireNonNull(frontend, "frontend");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(affinity, "affinity");
        Objects.requireNonNull(servicePort, "servicePort");
        backends = List.copyOf(backends);
        sourceRanges = List.copyOf(sourceRanges);
        for (Cidr c : sourceRanges) {
            if (c.address().family() != frontend.family()) {
                throw new IllegalArgumentException("source range " + c + " of frontend " + frontend
                        + " is of another address family");
            }
        }
        for (DesiredBackend b : backends) {
            if (b.address().address().family() != frontend.family()) {
                throw new IllegalArgumentException("backend " + b.address() + " of frontend " + frontend
                        + " is of another address family");
            }
        }
    }

    /** A frontend open to every source. */
    public DesiredFrontend(Frontend frontend, ServicePortName servicePort, List<DesiredBackend> backends,
                           FrontendKind kind, SessionAffinity affinity) {
        this(frontend, servicePort, backends, kind, affinity, List.of());
    }

    /** A ClusterIP frontend without session affinity. */
    public DesiredFrontend(Frontend frontend, ServicePortName servicePort, List<DesiredBackend> backends) {
        this(frontend, servicePort, backends, FrontendKind.CLUSTER_IP, SessionAffinity.NONE);
    }

    /** A frontend of {@code kind} without session affinity. */
    public DesiredFrontend(Frontend frontend, ServicePortName servicePort, List<DesiredBackend> backends,
                           FrontendKind kind) {
        this(frontend, servicePort, backends, kind, SessionAffinity.NONE);
    }
}
