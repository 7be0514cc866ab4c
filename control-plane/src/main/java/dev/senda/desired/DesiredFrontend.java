package dev.senda.desired;

import java.util.List;
import java.util.Objects;

/**
 * A frontend, the kind of Service address it is, and the backends it balances over, in slot order
 * (slot 1 = first element).
 * An empty list means the Service exists but has no usable endpoint: the datapath refuses.
 * Every backend has the frontend's address family (the datapath does not translate between families).
 * {@code affinity} is the Service's session affinity ({@link SessionAffinity#NONE} for none).
 *
 * <p>{@code sourceRanges} are the only sources that may open flows to it, all of its family (empty: any
 * source; {@link SourceRanges} says which frontends get them).
 *
 * <p>Two datapath rules follow from the traffic policies (package documentation, "Scopes"):
 * {@code dropWhenEmpty} marks a frontend whose backends are this node's endpoints only and which has
 * none here while the Service has some elsewhere: kube-proxy drops its traffic ("has no local
 * endpoints") instead of refusing it. {@code twoScopes} marks an EXTERNAL frontend whose
 * address:port/proto also has an INTERNAL frontend, which traffic from this node uses instead.
 */
public record DesiredFrontend(Frontend frontend, ServicePortName servicePort, List<DesiredBackend> backends,
                              FrontendKind kind, SessionAffinity affinity, List<Cidr> sourceRanges,
                              boolean dropWhenEmpty, boolean twoScopes) {
    public DesiredFrontend {
        Objects.requireNonNull(frontend, "frontend");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(affinity, "affinity");
        Objects.requireNonNull(servicePort, "servicePort");
        backends = List.copyOf(backends);
        if (twoScopes && frontend.scope() != FrontendScope.EXTERNAL) {
            throw new IllegalArgumentException("only an EXTERNAL frontend has an INTERNAL sibling: " + frontend);
        }
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

    /** A frontend refused when it has no backends, with no INTERNAL sibling. */
    public DesiredFrontend(Frontend frontend, ServicePortName servicePort, List<DesiredBackend> backends,
                           FrontendKind kind, SessionAffinity affinity, List<Cidr> sourceRanges) {
        this(frontend, servicePort, backends, kind, affinity, sourceRanges, false, false);
    }

    /** A frontend open to every source, refused when it has no backends, with no INTERNAL sibling. */
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
