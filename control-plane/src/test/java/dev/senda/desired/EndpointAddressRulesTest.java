package dev.senda.desired;

import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every refused range at its edges, both families, and the addresses just outside it. */
class EndpointAddressRulesTest {
    private static Optional<String> refusal(String literal) {
        return EndpointAddressRules.refusal(IpAddress.parse(literal).orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0         | an unspecified address (0.0.0.0/8)",
            "0.255.255.255   | an unspecified address (0.0.0.0/8)",
            "127.0.0.1       | a loopback address (127.0.0.0/8)",
            "127.255.255.254 | a loopback address (127.0.0.0/8)",
            "169.254.169.254 | a link-local address (169.254.0.0/16)",
            "169.254.0.0     | a link-local address (169.254.0.0/16)",
            "224.0.0.1       | a multicast address (224.0.0.0/4)",
            "239.255.255.255 | a multicast address (224.0.0.0/4)",
            "255.255.255.255 | the broadcast address (255.255.255.255)",
            "::              | the unspecified address (::)",
            "::1             | the loopback address (::1)",
            "fe80::1         | a link-local address (fe80::/10)",
            "febf:ffff::1    | a link-local address (fe80::/10)",
            "ff02::1         | a multicast address (ff00::/8)",
            "ff05::1:3       | a multicast address (ff00::/8)",
    })
    void refused(String literal, String why) {
        assertEquals(Optional.of(why), refusal(literal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0.0", "10.244.1.5", "126.255.255.255", "128.0.0.0", "169.253.255.255",
            "169.255.0.0", "223.255.255.255", "240.0.0.0", "255.255.255.254",
            "::2", "fd00:10:244::5", "fe7f::1", "fec0::1", "2001:db8::1", "feff::1"})
    void allowed(String literal) {
        assertEquals(Optional.empty(), refusal(literal));
    }

    /** IPv4-mapped IPv6 cannot be parsed from text, but can arrive as 16 bytes: judged as the IPv4 it maps. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1       | an IPv4-mapped form of a loopback address (127.0.0.0/8)",
            "169.254.169.254 | an IPv4-mapped form of a link-local address (169.254.0.0/16)",
            "0.0.0.0         | an IPv4-mapped form of an unspecified address (0.0.0.0/8)",
            "224.0.0.1       | an IPv4-mapped form of a multicast address (224.0.0.0/4)",
            "255.255.255.255 | an IPv4-mapped form of the broadcast address (255.255.255.255)",
    })
    void ipv4MappedRefusedAsTheIpv4ItMaps(String ipv4, String why) {
        assertEquals(Optional.of(why), EndpointAddressRules.refusal(mapped(ipv4)));
    }

    @Test
    void ipv4MappedOfAnAllowedAddressIsAllowed() {
        assertEquals(Optional.empty(), EndpointAddressRules.refusal(mapped("10.244.1.5")));
    }

    private static IpAddress mapped(String ipv4) {
        byte[] v4 = IpAddress.parse(ipv4).orElseThrow().bytes();
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return IpAddress.of(b);
    }
}
