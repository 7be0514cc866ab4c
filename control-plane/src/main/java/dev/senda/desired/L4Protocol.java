package dev.senda.desired;

import java.util.Optional;

/**
 * The L4 protocols a Service port can balance, as the API spells them. Desired state's own type:
 * the reconciler maps it to the map encoding (its declaration order is the frontend order).
 */
public enum L4Protocol {
    TCP(6), UDP(17), SCTP(132);

    private final int number;

    L4Protocol(int number) {
        this.number = number;
    }

    /** The IANA protocol number ({@code IPPROTO_*}). */
    public int number() {
        return number;
    }

    /**
     * The protocol a {@code protocol} field names: TCP when unset (the API default), empty for
     * anything Senda does not balance. Case-sensitive, as the API is ("tcp" is not TCP).
     */
    public static Optional<L4Protocol> ofApiName(String text) {
        if (text == null || text.isEmpty()) return Optional.of(TCP);
        for (L4Protocol p : values()) {
            if (p.name().equals(text)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
