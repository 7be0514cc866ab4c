package dev.senda.maps.policy;

/** {@code SENDA_POL_DIR_*} in bpf/lib/abi/policy.h: which way a rule or a counted packet goes, seen from the local pod. */
public enum RuleDirection {
    /** To the pod: rules match the packet's source. */
    INGRESS(0),
    /** From the pod: rules match the packet's destination (after Service translation). */
    EGRESS(1);

    private final int value;

    RuleDirection(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static RuleDirection ofValue(int value) {
        for (RuleDirection d : values()) {
            if (d.value == value) return d;
        }
        throw new IllegalArgumentException("unknown policy direction " + value);
    }

    /** "ingress" / "egress", as metrics and listings print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
