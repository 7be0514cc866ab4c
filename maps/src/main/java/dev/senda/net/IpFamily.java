package dev.senda.net;

import java.util.Optional;

/** An IP address family, as Kubernetes names it ({@code ipFamilies}, {@code addressType}). */
public enum IpFamily {
    IPV4("IPv4", 4), IPV6("IPv6", 16);

    private final String apiName;
    private final int byteLength;

    IpFamily(String apiName, int byteLength) {
        this.apiName = apiName;
        this.byteLength = byteLength;
    }

    /** "IPv4" or "IPv6": the spelling of {@code spec.ipFamilies} and {@code addressType}. */
    public String apiName() {
        return apiName;
    }

    /** Address length in bytes: 4 or 16. */
    public int byteLength() {
        return byteLength;
    }

    /** The family an API string names; empty for anything else ("FQDN", null, "ipv4"). */
    public static Optional<IpFamily> ofApiName(String text) {
        for (IpFamily f : values()) {
            if (f.apiName.equals(text)) return Optional.of(f);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
