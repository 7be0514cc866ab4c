package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.Cidr;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.SessionAffinity;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Desired state's types to the LB map records and back: the one place where the two meet, so that
 * desired state never imports the map ABI. Addresses pass through unchanged ({@code IpAddress} on
 * both sides); the map layer picks each family's map from the key. A frontend's kind and traffic-policy
 * rules become header flag bits ({@code SENDA_SVC_FLAG_*} in {@code bpf/lib/abi/lb.h}); the key stays
 * {address, port, proto, scope, slot}.
 */
public final class LbEncoding {
    private LbEncoding() {
    }

    /** The map key of a frontend's header (slot 0). */
    public static ServiceKey headerKey(Frontend f) {
        return new ServiceKey(f.address(), f.port(), protocol(f.proto()), scope(f.scope()), 0);
    }

    /** The frontend a map key belongs to; null when no frontend can have that key (port 0). */
    public static Frontend frontend(ServiceKey key) {
        return key.port() < 1 ? null : new Frontend(key.address(), key.port(), protocol(key.proto()), scope(key.scope()));
    }

    /**
     * A frontend's header: {@code count} slots, {@code flags}, and with session affinity the flag
     * {@link ServiceValue#FLAG_AFFINITY} and the timeout in seconds in the header's backend_id field.
     */
    public static ServiceValue header(int serviceId, int count, int flags, SessionAffinity affinity) {
        return ServiceValue.header(serviceId, count, flags, affinity.timeoutSeconds());
    }

    /**
     * A frontend's header: its kind in the flags ({@link #kindFlags}), its traffic-policy rules
     * ({@link ServiceValue#FLAG_DROP_EMPTY}, {@link ServiceValue#FLAG_TWO_SCOPES}),
     * {@link ServiceValue#FLAG_SOURCE_RANGES} when it has source ranges, its affinity, {@code count} slots.
     */
    public static ServiceValue header(int serviceId, int count, dev.senda.desired.DesiredFrontend frontend) {
        int flags = kindFlags(frontend.kind())
                | (frontend.sourceRanges().isEmpty() ? 0 : ServiceValue.FLAG_SOURCE_RANGES);
        if (frontend.dropWhenEmpty()) flags |= ServiceValue.FLAG_DROP_EMPTY;
        if (frontend.twoScopes()) flags |= ServiceValue.FLAG_TWO_SCOPES;
        return header(serviceId, count, flags, frontend.affinity());
    }

    /** The source-range entries of a frontend with {@code serviceId}: one per range, host bits cleared. */
    public static List<SourceRangeKey> sourceRanges(int serviceId, dev.senda.desired.DesiredFrontend frontend) {
        List<SourceRangeKey> out = new ArrayList<>(frontend.sourceRanges().size());
        for (Cidr c : frontend.sourceRanges()) out.add(SourceRangeKey.of(serviceId, c.address(), c.bits()));
        return out;
    }

    /** The header flag of a frontend kind ({@code SENDA_SVC_FLAG_*}); 0 for a cluster IP. */
    public static int kindFlags(dev.senda.desired.FrontendKind kind) {
        return switch (kind) {
            case CLUSTER_IP -> 0;
            case NODE_PORT -> ServiceValue.FLAG_NODE_PORT;
            case LOAD_BALANCER -> ServiceValue.FLAG_LOAD_BALANCER;
            case EXTERNAL_IP -> ServiceValue.FLAG_EXTERNAL_IP;
        };
    }

    public static BackendValue backendValue(DesiredBackend b) {
        BackendAddress a = b.address();
        return new BackendValue(a.address(), a.port(), protocol(a.proto()), state(b.state()));
    }

    /** The identity of a backend entry; null when no backend can have it (port 0). */
    public static BackendAddress backendAddress(BackendValue v) {
        return v.port() < 1 ? null : new BackendAddress(v.address(), v.port(), protocol(v.proto()));
    }

    public static Protocol protocol(L4Protocol p) {
        return switch (p) {
            case TCP -> Protocol.TCP;
            case UDP -> Protocol.UDP;
            case SCTP -> Protocol.SCTP;
        };
    }

    public static L4Protocol protocol(Protocol p) {
        return switch (p) {
            case TCP -> L4Protocol.TCP;
            case UDP -> L4Protocol.UDP;
            case SCTP -> L4Protocol.SCTP;
        };
    }

    public static Scope scope(FrontendScope s) {
        return switch (s) {
            case EXTERNAL -> Scope.EXTERNAL;
            case INTERNAL -> Scope.INTERNAL;
        };
    }

    public static FrontendScope scope(Scope s) {
        return switch (s) {
            case EXTERNAL -> FrontendScope.EXTERNAL;
            case INTERNAL -> FrontendScope.INTERNAL;
        };
    }

    public static BackendState state(EndpointState s) {
        return switch (s) {
            case ACTIVE -> BackendState.ACTIVE;
            case TERMINATING -> BackendState.TERMINATING;
        };
    }
}
