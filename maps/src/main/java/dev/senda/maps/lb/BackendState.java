package dev.senda.maps.lb;

/** {@code SENDA_BACKEND_*} in bpf/lib/abi/lb.h. */
public enum BackendState {
    ACTIVE(0), TERMINATING(1);

    private final int value;

    BackendState(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static BackendState ofValue(int value) {
        for (BackendState s : values()) {
            if (s.value == value) return s;
        }
        throw new IllegalArgumentException("unknown backend state " + value);
    }
}
