package dev.senda.desired;

import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;

import dev.senda.net.IpAddress;
import java.util.Comparator;
import java.util.Objects;

/** One address:port/proto a Service answers on, in one scope: a frontend's identity, without slots. */
public record Frontend(IpAddress address, int port, Protocol proto, Scope scope) implements Comparable<Frontend> {
    private static final Comparator<Frontend> ORDER = Comparator
            .comparing((Frontend f) -> f.address())
            .thenComparingInt(Frontend::port)
            .thenComparing(Frontend::proto)
            .thenComparing(Frontend::scope);

    public Frontend {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(scope, "scope");
        if (port < 1 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }

    @Override
    public int compareTo(Frontend o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return address.withPort(port) + "/" + proto + (scope == Scope.EXTERNAL ? "" : " (" + scope + ")");
    }
}
