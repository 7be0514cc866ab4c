package dev.senda.source;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Converters#timestamp}'s hand-read common form against {@link Instant#parse} alone: the same on every input. */
class ConvertersTimestampTest {
    private static Instant oracle(String text) {
        if (text == null || text.isEmpty()) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void assertSame(String text) {
        assertEquals(oracle(text), Converters.timestamp(text), () -> "timestamp(\"" + text + "\")");
    }

    @Test
    void edgeCasesReadAsInstantParseReadsThem() {
        for (String t : List.of("", "2025-03-01T10:00:00Z", "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z", "2025-02-29T12:00:00Z", "2100-02-29T00:00:00Z",
                "2000-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-04-30T00:00:00Z", "2025-13-01T00:00:00Z",
                "2025-00-01T00:00:00Z", "2025-01-00T00:00:00Z", "2025-01-32T00:00:00Z", "2025-01-01T24:00:00Z",
                "2025-01-01T23:60:00Z", "2025-01-01T23:59:60Z", "2016-12-31T23:59:60Z", "2025-01-01t00:00:00Z",
                "2025-01-01T00:00:00z", "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00.5Z",
                "2025-01-01T00:00:00.123456789Z", "2025-01-01 00:00:00Z", "+2025-01-01T00:00:00Z",
                "2025-1-01T00:00:00Z", "2025-01-01T00:00Z", "20250101T000000Z", "2025-01-01T0a:00:00Z",
                "2025-01-01T-1:00:00Z", "\u0662025-01-01T00:00:00Z", "2025-01-01T00:00:00Z ")) {
            assertSame(t);
        }
    }

    @Test
    void randomTimesReadAsInstantParseReadsThem() {
        Random random = new Random(0x3339);
        String alphabet = "0123456789-:TZ.+";
        for (int i = 0; i < 100_000; i++) {
            String t = "%04d-%02d-%02dT%02d:%02d:%02dZ".formatted(random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62));
            assertSame(t);
            char[] c = t.toCharArray();
            c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            assertSame(new String(c));
        }
    }
}
