package dev.senda.maps.nat;

/** {@code SENDA_NAT_DIR_*} in bpf/lib/abi/nat.h: which half of a source-NATed flow an entry is. */
public enum NatDirection {
    /** Keyed by the packet toward the backend before SNAT; says which source to write. */
    OUT(0),
    /** Keyed by the backend's reply as it arrives; says which client to restore as destination. */
    IN(1);

    private final int value;

    NatDirection(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static NatDirection ofValue(int value) {
        for (NatDirection d : values()) {
            if (d.value == value) return d;
        }
        throw new IllegalArgumentException("unknown NAT direction " + value);
    }
}
