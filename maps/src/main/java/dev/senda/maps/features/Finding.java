package dev.senda.maps.features;

import java.util.Objects;

/**
 * What probing one feature found.
 *
 * @param detail empty for {@link Support#YES}; otherwise why not, for people (the kernel's errno,
 *               the verifier's last line, what the feature needs)
 */
public record Finding(Support support, String detail) {
    public Finding {
        Objects.requireNonNull(support, "support");
        detail = detail == null ? "" : detail;
    }

    public static Finding yes() {
        return new Finding(Support.YES, "");
    }

    public static Finding no(String why) {
        return new Finding(Support.NO, why);
    }

    public static Finding unknown(String why) {
        return new Finding(Support.UNKNOWN, why);
    }

    public boolean present() {
        return support == Support.YES;
    }
}
