package dev.senda.maps.policy;

/** {@code SENDA_POL_V_*} in bpf/lib/abi/policy.h: why a packet passed a policy check or was dropped. */
public enum PolicyVerdict {
    /** A rule of the counter's policy allowed it (policy id 0: the pod is not isolated that way). */
    ALLOW(0, "allow"),
    /** Isolated and no rule allowed it: dropped. */
    DENY(1, "deny"),
    /** Part of a flow already allowed (the policy conntrack). */
    CONNTRACK(2, "conntrack"),
    /** Sent by the node itself. */
    NODE(3, "node"),
    /** The pod's policy is not computed yet: allowed. */
    PENDING(4, "pending"),
    /** The pod's policy is not computed yet, {@code --policy-pending=deny}: dropped. */
    PENDING_DROP(5, "pending_drop");

    private final int value;
    private final String label;

    PolicyVerdict(int value, String label) {
        this.value = value;
        this.label = label;
    }

    public int value() {
        return value;
    }

    /** The metric label value. */
    public String label() {
        return label;
    }

    public static PolicyVerdict ofValue(int value) {
        for (PolicyVerdict v : values()) {
            if (v.value == value) return v;
        }
        throw new IllegalArgumentException("unknown policy verdict " + value);
    }
}
