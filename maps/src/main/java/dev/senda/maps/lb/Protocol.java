package dev.senda.maps.lb;

/** L4 protocols a frontend or backend can carry, with their IANA numbers as used in the BPF maps. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IANA protocol number ({@code IPPROTO_*}). */
    public int number() {
        return number;
    }

    /** @throws IllegalArgumentException for a number Senda does not balance */
    public static Protocol ofNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) return p;
        }
        throw new IllegalArgumentException("unknown L4 protocol number " + number);
    }
}
