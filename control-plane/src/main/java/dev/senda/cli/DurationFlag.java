package dev.senda.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as kube-proxy's flags and configuration spell them (Go's {@code time.ParseDuration}
 * without fractions): one or more {@code <integer><unit>} parts, units {@code ms}, {@code s},
 * {@code m}, {@code h}, e.g. {@code 100ms}, {@code 30s}, {@code 1m30s}.
 */
final class DurationFlag {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private DurationFlag() {
    }

    /**
     * @param flag the flag's name, for the error
     * @throws IllegalArgumentException naming the flag when {@code text} is not such a duration
     */
    static Duration parse(String flag, String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException(flag + ": invalid duration '" + text + "' (e.g. 100ms, 30s, 1m30s)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }
}
