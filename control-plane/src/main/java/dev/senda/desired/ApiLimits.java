package dev.senda.desired;

import java.util.Map;
import java.util.function.Consumer;

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

    /** A name format of the API: its shape, its length limit and how a reason describes it. */
    enum NameFormat {
        /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} */
        DNS1123_LABEL(LABEL_MAX,
                "a DNS-1123 label (lower case letters, digits and '-', starting and ending alphanumeric)") {
            @Override
            boolean matches(String value) {
                return isLabel(value, 0, value.length(), false);
            }
        },
        /** {@code [a-z]([-a-z0-9]*[a-z0-9])?} */
        DNS1035_LABEL(LABEL_MAX,
                "a DNS-1035 label (lower case letters, digits and '-', starting with a letter, ending alphanumeric)") {
            @Override
            boolean matches(String value) {
                return isLabel(value, 0, value.length(), true);
            }
        },
        /** DNS-1123 labels joined by '.': {@code LABEL(\.LABEL)*} (no length limit per label, as the API's expression) */
        DNS1123_SUBDOMAIN(SUBDOMAIN_MAX, "a DNS-1123 subdomain (DNS-1123 labels joined by '.')") {
            @Override
            boolean matches(String value) {
                return isSubdomain(value, 0, value.length());
            }
        };

        private final int max;
        private final String description;

        NameFormat(int max, String description) {
            this.max = max;
            this.description = description;
        }

        /** Whether {@code value} has this format's shape (its length limit aside). */
        abstract boolean matches(String value);

        /** Reports {@code field} unless {@code value} is of this format. */
        void check(String field, String value, Consumer<String> problems) {
            if (value.length() > max) {
                problems.accept(tooLong(field, value, max));
            } else if (!matches(value)) {
                problems.accept(field + " " + quote(value) + " is not " + description);
            }
        }
    }

    // The shapes are scanned by hand rather than matched with regular expressions: they run for every
    // name and label of every object at start (tens of thousands at 10,000 Services), where the regex
    // engine under the agent's C1-only JIT stood out. ApiLimitsShapeTest holds the expressions and
    // checks that both agree.

    /** {@code s[from, to)} is {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, or with a letter first when {@code letterFirst}. */
    static boolean isLabel(String s, int from, int to, boolean letterFirst) {
        if (to <= from) return false;
        char first = s.charAt(from);
        if (letterFirst ? !(first >= 'a' && first <= 'z') : !isLowerAlnum(first)) return false;
        if (!isLowerAlnum(s.charAt(to - 1))) return false;
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (c != '-' && !isLowerAlnum(c)) return false;
        }
        return true;
    }

    /** {@code s[from, to)} is DNS-1123 labels joined by '.'. */
    static boolean isSubdomain(String s, int from, int to) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || s.charAt(i) == '.') {
                if (!isLabel(s, start, i, false)) return false;
                start = i + 1;
            }
        }
        return true;
    }

    /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}: a label key's name part or a label value. */
    static boolean isQualifiedName(String s, int from, int to) {
        if (to <= from || !isAlnum(s.charAt(from)) || !isAlnum(s.charAt(to - 1))) return false;
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (c != '-' && c != '_' && c != '.' && !isAlnum(c)) return false;
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private ApiLimits() {
    }

    /** Reports every label key and value of {@code labels} beyond the API's limits, field {@code metadata.labels}. */
    static void checkLabels(Map<String, String> labels, Consumer<String> problems) {
        // Almost every label is valid: one pass without allocating, and the sorted, reporting pass only
        // when something is wrong (so reasons still come in key order, whatever the map's own order).
        boolean valid = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!isValidLabel(e.getKey(), e.getValue())) {
                valid = false;
                break;
            }
        }
        if (valid) return;
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            checkLabelKey(e.getKey(), problems);
            checkLabelValue(e.getKey(), e.getValue(), problems);
        });
    }

    /** Whether {@link #checkLabelKey} and {@link #checkLabelValue} would report nothing. */
    private static boolean isValidLabel(String key, String value) {
        int slash = key.indexOf('/');
        int nameFrom = 0;
        if (slash >= 0) {
            if (slash > SUBDOMAIN_MAX || !isSubdomain(key, 0, slash)) return false;
            nameFrom = slash + 1;
        }
        if (key.length() - nameFrom > LABEL_MAX || !isQualifiedName(key, nameFrom, key.length())) return false;
        return value == null || value.isEmpty()
                || (value.length() <= LABEL_MAX && isQualifiedName(value, 0, value.length()));
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
        if (value.length() > LABEL_MAX) {
            problems.accept(tooLong(field, value, LABEL_MAX));
        } else if (!isQualifiedName(value, 0, value.length())) {
            problems.accept(field + " " + quote(value) + " is not alphanumerics, '-', '_' and '.',"
                    + " starting and ending alphanumeric");
        }
    }

    private static String tooLong(String field, String value, int max) {
        return field + " " + quote(value) + " is " + value.length() + " characters, over the limit of " + max;
    }

    /** {@code "value"}, cut to its first {@value #QUOTE_MAX} characters and "..." when longer. */
    static String quote(String value) {
        return "\"" + (value.length() <= QUOTE_MAX ? value : value.substring(0, QUOTE_MAX) + "...") + "\"";
    }
}
