package dev.senda.maps.lb;

/** Which backend set a frontend entry serves ({@code SENDA_SCOPE_*} in bpf/lib/abi/lb.h). */
public enum Scope {
    /** Traffic from outside the cluster (and everything, while no traffic policy splits the sets). */
    EXTERNAL(0),
    /** Traffic from inside the cluster, for internalTrafficPolicy. */
    INTERNAL(1);

    private final int value;

    Scope(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static Scope ofValue(int value) {
        for (Scope s : values()) {
            if (s.value == value) return s;
        }
        throw new IllegalArgumentException("unknown scope " + value);
    }
}
