package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.net.IpAddress;

import java.net.Inet4Address;
import java.util.Comparator;

/**
 * Desired state's types to the LB map records and back: the one place where the two meet.
 *
 * <p>The maps records still hold {@link Inet4Address}; until they hold {@link IpAddress}, only IPv4
 * frontends can be encoded ({@link #encodable}) and the reconciler leaves IPv6 ones out.
 */
public final class LbEncoding {
    /** Map keys in {@link Frontend}'s order, ignoring the slot. */
    public static final Comparator<ServiceKey> FRONTEND_ORDER = Frontend.order(
            k -> ip(k.address()), ServiceKey::port, k -> protocol(k.proto()), k -> scope(k.scope()));
    /** Map keys in {@link Frontend}'s order, then by slot. */
    public static final Comparator<ServiceKey> KEY_ORDER = FRONTEND_ORDER.thenComparingInt(ServiceKey::slot);

    private LbEncoding() {
    }

    /** Whether the maps can hold this frontend (IPv4 only, until the maps records are family-neutral). */
    public static boolean encodable(Frontend f) {
        return f.address().isIpv4();
    }

    /** The map key of a frontend's header (slot 0). */
    public static ServiceKey headerKey(Frontend f) {
        return new ServiceKey(inet4(f.address()), f.port(), protocol(f.proto()), scope(f.scope()), 0);
    }

    /** The frontend a map key belongs to; null when no frontend can have that key (port 0). */
    public static Frontend frontend(ServiceKey key) {
        return key.port() < 1 ? null : new Frontend(ip(key.address()), key.port(), protocol(key.proto()), scope(key.scope()));
    }

    public static BackendValue backendValue(DesiredBackend b) {
        BackendAddress a = b.address();
        return new BackendValue(inet4(a.address()), a.port(), protocol(a.proto()), state(b.state()));
    }

    /** The identity of a backend entry; null when no backend can have it (port 0). */
    public static BackendAddress backendAddress(BackendValue v) {
        return v.port() < 1 ? null : new BackendAddress(ip(v.address()), v.port(), protocol(v.proto()));
    }

    public static IpAddress ip(Inet4Address a) {
        return IpAddress.of(a);
    }

    /** @throws IllegalArgumentException for an IPv6 address */
    public static Inet4Address inet4(IpAddress a) {
        if (!a.isIpv4()) throw new IllegalArgumentException(a + " does not fit an IPv4 map");
        return (Inet4Address) a.toInetAddress();
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
