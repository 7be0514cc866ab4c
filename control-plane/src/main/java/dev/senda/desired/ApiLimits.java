package dev.senda.desired;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The API server's limits on object names and labels, for objects that did not come through one (a
 * {@code --source dir:} file) or came through one that did not apply them. One place per rule; each
 * check reports a reason naming the field and (shortened) value, and nothing when the value is valid.
 *
 * <p>The limits are the Kubernetes API's: a Service name is a DNS-1035 label, a namespace a DNS-1123
 * label (both at most 63 characters), an EndpointSlice name a DNS-1123 subdomain (at most 253); a
 * label key is a qualified name (an optional DNS-1123 subdomain prefix of at most 253 characters and
 * "/", then a name of at most 63 characters of alphanumerics, '-', '_' and '.', starting and ending
 * alphanumeric), a label value is empty or such a name. An EndpointSlice holds at most
 * {@value #SLICE_MAX_ENDPOINTS} endpoints and {@value #SLICE_MAX_PORTS} ports.
 */
final class ApiLimits {
    /** Longest value quoted in a reason: a 10 KB label value is not worth a 10 KB log line. */
    private static final int QUOTE_MAX = 40;
    /** The API's maximum endpoints of one EndpointSlice; a larger one came from a writer that skipped validation. */
    static final int SLICE_MAX_ENDPOINTS = 1000;
    /** The API's maximum ports of one EndpointSlice. */
    static final int SLICE_MAX_PORTS = 100;
    private static final int LABEL_MAX = 63;
    private static final int SUBDOMAIN_MAX = 253;
    private static final String LABEL_1123 = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    /** A name format of the API: its pattern, its length limit and how a reason describes it. */
    enum NameFormat {
        DNS1123_LABEL(Pattern.compile(LABEL_1123), LABEL_MAX,
                "a DNS-1123 label (lower case letters, digits and '-', starting and ending alphanumeric)"),
        DNS1035_LABEL(Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?"), LABEL_MAX,
                "a DNS-1035 label (lower case letters, digits and '-', starting with a letter, ending alphanumeric)"),
        DNS1123_SUBDOMAIN(Pattern.compile(LABEL_1123 + "(\\." + LABEL_1123 + ")*"), SUBDOMAIN_MAX,
                "a DNS-1123 subdomain (DNS-1123 labels joined by '.')");

        private final Pattern pattern;
        private final int max;
        private final String description;

        NameFormat(Pattern pattern, int max, String description) {
            this.pattern = pattern;
            this.max = max;
            this.description = description;
        }

        /** Reports {@code field} unless {@code value} is of this format. */
        void check(String field, String value, Consumer<String> problems) {
            tooLong(field, value, max).or(() -> pattern.matcher(value).matches() ? Optional.empty()
                    : Optional.of(field + " " + quote(value) + " is not " + description)).ifPresent(problems);
        }
    }

    private ApiLimits() {
    }

    /** Reports every label key and value of {@code labels} beyond the API's limits, field {@code metadata.labels}. */
    static void checkLabels(Map<String, String> labels, Consumer<String> problems) {
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            checkLabelKey(e.getKey(), problems);
            checkLabelValue(e.getKey(), e.getValue(), problems);
        });
    }

    private static void checkLabelKey(String key, Consumer<String> problems) {
        String field = "metadata.labels key " + quote(key);
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            NameFormat.DNS1123_SUBDOMAIN.check(field + ": prefix", key.substring(0, slash), problems);
            name = key.substring(slash + 1);
        }
        qualifiedName(field + ": name", name, problems);
    }

    private static void checkLabelValue(String key, String value, Consumer<String> problems) {
        if (value == null || value.isEmpty()) return; // an empty label value is valid
        qualifiedName("metadata.labels[" + quote(key) + "] value", value, problems);
    }

    private static void qualifiedName(String field, String value, Consumer<String> problems) {
        tooLong(field, value, LABEL_MAX).or(() -> QUALIFIED_NAME.matcher(value).matches() ? Optional.empty()
                : Optional.of(field + " " + quote(value) + " is not alphanumerics, '-', '_' and '.',"
                        + " starting and ending alphanumeric")).ifPresent(problems);
    }

    private static Optional<String> tooLong(String field, String value, int max) {
        return value.length() > max
                ? Optional.of(field + " " + quote(value) + " is " + value.length() + " characters, over the limit of " + max)
                : Optional.empty();
    }

    /** {@code "value"}, cut to its first {@value #QUOTE_MAX} characters and "..." when longer. */
    static String quote(String value) {
        return "\"" + (value.length() <= QUOTE_MAX ? value : value.substring(0, QUOTE_MAX) + "...") + "\"";
    }
}
