package dev.senda.net;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link IpAddress#parse}'s one-pass IPv4 scanner against the split-based parser it replaced: the same
 * address or the same refusal on every input.
 */
class IpAddressParseTest {
    /** The oracle: the IPv4 parser as it was written with {@code split}. */
    private static Optional<IpAddress> oracle(String text) {
        if (text == null || text.isEmpty()) return Optional.empty();
        if (text.indexOf(':') >= 0) return IpAddress.parse(text); // IPv6: not what changed
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return Optional.empty();
        int value = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) return Optional.empty();
            if (p.length() > 1 && p.charAt(0) == '0') return Optional.empty();
            int octet = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') return Optional.empty();
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) return Optional.empty();
            value = value << 8 | octet;
        }
        return Optional.of(IpAddress.ipv4(value));
    }

    private static void assertSame(String text) {
        assertEquals(oracle(text), IpAddress.parse(text), () -> "parse(\"" + text + "\")");
    }

    @Test
    void edgeCasesParseAsTheSplitParserDid() {
        for (String text : List.of("", ".", "...", "....", "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.0.0.0",
                "0.0.0.256", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "00.0.0.0",
                "1.2.3.000", "1.2.3.0000", "1000.2.3.4", "1.2.3.999", " 1.2.3.4", "1.2.3.4 ", "1. 2.3.4", "+1.2.3.4",
                "-1.2.3.4", "1.2.3.-4", "0x1.2.3.4", "1.2.3.4/32", "1_0.2.3.4", "a.b.c.d", "\u0661.2.3.4",
                "1.2.3.\u0664", "\uFF11.2.3.4", "1.2.3.4\u200b", "10.96.0.1", "10.244.255.255", "1.2.3.4e0")) {
            assertSame(text);
        }
    }

    @Test
    void randomTextParsesAsTheSplitParserDid() {
        Random random = new Random(0x1b4);
        String alphabet = "0123456789012345678901234567890123456789....x- /\u0661";
        for (int i = 0; i < 300_000; i++) {
            StringBuilder s = new StringBuilder();
            if (random.nextBoolean()) {
                // Near-addresses: four or so parts of up to four digits.
                int parts = 3 + random.nextInt(3);
                for (int p = 0; p < parts; p++) {
                    if (p > 0) s.append('.');
                    int digits = random.nextInt(5);
                    for (int d = 0; d < digits; d++) s.append((char) ('0' + random.nextInt(10)));
                }
                if (random.nextInt(8) == 0) {
                    s.setCharAt(random.nextInt(s.length()), // parts >= 3: at least two dots
                            alphabet.charAt(random.nextInt(alphabet.length())));
                }
            } else {
                int length = random.nextInt(16);
                for (int j = 0; j < length; j++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertSame(s.toString());
        }
    }
}
