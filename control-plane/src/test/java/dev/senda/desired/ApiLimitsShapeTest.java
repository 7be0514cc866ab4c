package dev.senda.desired;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ApiLimits}' hand-written name scanners against the API's regular expressions they replaced:
 * the same verdict on every input, and the same reasons from {@link ApiLimits#checkLabels}.
 */
class ApiLimitsShapeTest {
    // The oracle: the expressions as the API (and ApiLimits before) wrote them.
    private static final String LABEL_1123 = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Map<ApiLimits.NameFormat, Pattern> PATTERNS = Map.of(
            ApiLimits.NameFormat.DNS1123_LABEL, Pattern.compile(LABEL_1123),
            ApiLimits.NameFormat.DNS1035_LABEL, Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?"),
            ApiLimits.NameFormat.DNS1123_SUBDOMAIN, Pattern.compile(LABEL_1123 + "(\\." + LABEL_1123 + ")*"));
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    /** The reasons ApiLimits gave with the expressions (the texts are unchanged). */
    private static List<String> oracleLabels(Map<String, String> labels) {
        List<String> problems = new ArrayList<>();
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String key = e.getKey();
            String field = "metadata.labels key " + ApiLimits.quote(key);
            int slash = key.indexOf('/');
            String name = key;
            if (slash >= 0) {
                String prefix = key.substring(0, slash);
                if (prefix.length() > 253) {
                    problems.add(field + ": prefix " + ApiLimits.quote(prefix) + " is " + prefix.length()
                            + " characters, over the limit of 253");
                } else if (!PATTERNS.get(ApiLimits.NameFormat.DNS1123_SUBDOMAIN).matcher(prefix).matches()) {
                    problems.add(field + ": prefix " + ApiLimits.quote(prefix)
                            + " is not a DNS-1123 subdomain (DNS-1123 labels joined by '.')");
                }
                name = key.substring(slash + 1);
            }
            oracleQualified(field + ": name", name, problems);
            String value = e.getValue();
            if (value != null && !value.isEmpty()) {
                oracleQualified("metadata.labels[" + ApiLimits.quote(key) + "] value", value, problems);
            }
        });
        return problems;
    }

    private static void oracleQualified(String field, String value, List<String> problems) {
        if (value.length() > 63) {
            problems.add(field + " " + ApiLimits.quote(value) + " is " + value.length()
                    + " characters, over the limit of 63");
        } else if (!QUALIFIED_NAME.matcher(value).matches()) {
            problems.add(field + " " + ApiLimits.quote(value)
                    + " is not alphanumerics, '-', '_' and '.', starting and ending alphanumeric");
        }
    }

    private static List<String> labels(Map<String, String> labels) {
        List<String> problems = new ArrayList<>();
        ApiLimits.checkLabels(labels, problems::add);
        return problems;
    }

    private static void assertSameVerdicts(String s) {
        for (var e : PATTERNS.entrySet()) {
            assertEquals(e.getValue().matcher(s).matches(), e.getKey().matches(s), () -> e.getKey() + " \"" + s + "\"");
        }
        assertEquals(QUALIFIED_NAME.matcher(s).matches(), ApiLimits.isQualifiedName(s, 0, s.length()),
                () -> "qualified name \"" + s + "\"");
    }

    static final List<String> EDGES = List.of("", "a", "A", "0", "-", ".", "_", "a-", "-a", "a.", ".a", "a_b", "a-b",
            "a.b", "a..b", "a.-b", "a-.b", "9web", "web", "Web", "wEb", "web9", "a" + "-9".repeat(31), "a".repeat(63),
            "a".repeat(64), "kubernetes.io", "kubernetes.io.", "k8s.io/x", "x/", "/x", "a b", " a", "a ", "\u00e9",
            "\u0661", "a\u0661", "\uFF41", "a\u200bb", "\u212A", "ab-cd.ef-gh", "1.2.3.4", "a_", "_a", "A_b.C-d");

    @Test
    void edgeCasesMatchAsTheExpressionsDid() {
        for (String s : EDGES) assertSameVerdicts(s);
    }

    @Test
    void randomNamesMatchAsTheExpressionsDid() {
        Random random = new Random(0x1123);
        String alphabet = "abcxyzABZ0189-._/ \u00e9\u0661";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(random.nextInt(10) == 0 ? 80 : 12);
            for (int j = 0; j < length; j++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            assertSameVerdicts(s.toString());
        }
    }

    @Test
    void labelReasonsAreTheExpressionsReasons() {
        Random random = new Random(0x1abe1);
        String alphabet = "abcxyzAB0189-._/ \u00e9";
        for (int i = 0; i < 30_000; i++) {
            Map<String, String> labels = new HashMap<>();
            int n = random.nextInt(4);
            for (int j = 0; j < n; j++) {
                labels.put(randomText(random, alphabet, random.nextInt(8) == 0 ? 300 : 14),
                        random.nextInt(6) == 0 ? null : randomText(random, alphabet, random.nextInt(8) == 0 ? 80 : 12));
            }
            assertEquals(oracleLabels(labels), labels(labels), labels::toString);
        }
        Map<String, String> edge = new HashMap<>();
        edge.put("a".repeat(253) + "/x", "v");
        edge.put("a".repeat(254) + "/x", "");
        edge.put("k8s.io/" + "n".repeat(63), "v".repeat(63));
        edge.put("k8s.io/" + "n".repeat(64), "v".repeat(64));
        edge.put("a/b/c", "x");
        edge.put("/x", "-");
        assertEquals(oracleLabels(edge), labels(edge));
    }

    private static String randomText(Random random, String alphabet, int bound) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(bound);
        for (int j = 0; j < length; j++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return s.toString();
    }
}
