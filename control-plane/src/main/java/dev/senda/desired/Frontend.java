package dev.senda.desired;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.Comparator;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One address:port/proto a Service answers on, in one scope: a frontend's identity, without slots.
 * The address's family is the frontend's family.
 *
 * <p>This class owns the frontend order, used by desired state, the reconciler and every dump:
 * address ({@link IpAddress} order, so IPv4 before IPv6), then port, protocol, scope. Anything else
 * keyed by those four fields (a map key with a slot, a listing row) sorts through {@link #order}
 * rather than spelling the order again.
 */
public record Frontend(IpAddress address, int port, L4Protocol proto, FrontendScope scope)
        implements Comparable<Frontend> {
    private static final Comparator<Frontend> ORDER =
            order(Frontend::address, Frontend::port, Frontend::proto, Frontend::scope);

    public Frontend {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(scope, "scope");
        if (port < 1 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }

    /**
     * The frontend order for any type that carries a frontend's four fields, given how to read them
     * (callers holding other encodings map their protocol and scope to desired state's enums). Ties
     * beyond the four fields (a slot, say) are the caller's {@code thenComparing}.
     */
    public static <T> Comparator<T> order(Function<? super T, IpAddress> address, ToIntFunction<? super T> port,
                                          Function<? super T, L4Protocol> proto,
                                          Function<? super T, FrontendScope> scope) {
        return Comparator.<T, IpAddress>comparing(address)
                .thenComparingInt(port)
                .thenComparing(proto)
                .thenComparing(scope);
    }

    /** The frontend's family, which every one of its backends shares. */
    public IpFamily family() {
        return address.family();
    }

    // The same order as ORDER, written out: frontends are sorted by the hundred thousand at a cold
    // sync, where the composed comparator's lambdas cost several times this under C1.
    // FrontendTest keeps the two equal.
    @Override
    public int compareTo(Frontend o) {
        int c = address.compareTo(o.address);
        if (c != 0) return c;
        c = Integer.compare(port, o.port);
        if (c != 0) return c;
        c = proto.compareTo(o.proto);
        return c != 0 ? c : scope.compareTo(o.scope);
    }

    /** For tests: the order {@link #order} composes, which {@link #compareTo} must equal. */
    static Comparator<Frontend> composedOrder() {
        return ORDER;
    }

    /** "10.96.0.10:80/TCP", "[fd00:96::a]:80/TCP", with " (INTERNAL)" for the internal scope. */
    @Override
    public String toString() {
        return address.withPort(port) + "/" + proto + (scope == FrontendScope.EXTERNAL ? "" : " (" + scope + ")");
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof Frontend x && port == x.port && proto == x.proto && scope == x.scope && address.equals(x.address);
    }

    @Override
    public int hashCode() {
        return ((address.hashCode() * 31 + port) * 31 + proto.ordinal()) * 31 + scope.ordinal();
    }
}
