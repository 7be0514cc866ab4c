package dev.senda.maps.lb;

/** {@code SENDA_CT_DIR_*} in bpf/lib/abi/ct.h: which half of a translated flow an entry is. */
public enum CtDirection {
    /** Keyed by the client's original tuple; says which backend the flow goes to. */
    FORWARD(0),
    /** Keyed by the backend's reply tuple; says what to restore on replies. */
    REPLY(1);

    private final int value;

    CtDirection(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static CtDirection ofValue(int value) {
        for (CtDirection d : values()) {
            if (d.value == value) return d;
        }
        throw new IllegalArgumentException("unknown conntrack direction " + value);
    }
}
