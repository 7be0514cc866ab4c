package dev.senda.maps.abi;

import dev.senda.net.IpFamily;

/** C struct names of the per-family map ABI: {@code senda_svc4_key} and {@code senda_svc6_key} from "svc", "key". */
final class FamilyStructs {
    private FamilyStructs() {
    }

    /** {@code senda_<what><4|6>[_<suffix>]}. */
    static String name(String what, IpFamily family, String suffix) {
        return "senda_" + what + (family == IpFamily.IPV4 ? "4" : "6") + (suffix.isEmpty() ? "" : "_" + suffix);
    }
}
