package dev.senda.desired;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each API limit at its edge: the longest and the most unusual valid value, and one past it. */
class ApiLimitsTest {
    private static List<String> check(ApiLimits.NameFormat format, String value) {
        List<String> problems = new ArrayList<>();
        format.check("f", value, problems::add);
        return problems;
    }

    private static List<String> labels(Map<String, String> labels) {
        List<String> problems = new ArrayList<>();
        ApiLimits.checkLabels(labels, problems::add);
        return problems;
    }

    @Test
    void dns1035LabelIsAtMost63AndStartsWithALetter() {
        assertEquals(List.of(), check(ApiLimits.NameFormat.DNS1035_LABEL, "a" + "-9".repeat(31)));
        assertEquals(List.of("f \"" + "a".repeat(40) + "...\" is 64 characters, over the limit of 63"),
                check(ApiLimits.NameFormat.DNS1035_LABEL, "a".repeat(64)));
        assertEquals(List.of("f \"9web\" is not a DNS-1035 label (lower case letters, digits and '-',"
                + " starting with a letter, ending alphanumeric)"), check(ApiLimits.NameFormat.DNS1035_LABEL, "9web"));
        for (String bad : List.of("", "Web", "web-", "web.a", "web_a")) {
            assertEquals(1, check(ApiLimits.NameFormat.DNS1035_LABEL, bad).size(), bad);
        }
    }

    @Test
    void dns1123LabelMayStartWithADigit() {
        assertEquals(List.of(), check(ApiLimits.NameFormat.DNS1123_LABEL, "9" + "x".repeat(62)));
        assertEquals(1, check(ApiLimits.NameFormat.DNS1123_LABEL, "9".repeat(64)).size());
        for (String bad : List.of("", "-a", "a.b", "A")) {
            assertEquals(1, check(ApiLimits.NameFormat.DNS1123_LABEL, bad).size(), bad);
        }
    }

    @Test
    void dns1123SubdomainIsAtMost253() {
        String longest = ("a".repeat(62) + ".").repeat(4) + "b"; // 253
        assertEquals(253, longest.length());
        assertEquals(List.of(), check(ApiLimits.NameFormat.DNS1123_SUBDOMAIN, longest));
        assertEquals(List.of("f \"" + longest.substring(0, 40) + "...\" is 254 characters, over the limit of 253"),
                check(ApiLimits.NameFormat.DNS1123_SUBDOMAIN, longest + "b"));
        for (String bad : List.of("", "a..b", ".a", "a.", "a_b")) {
            assertEquals(1, check(ApiLimits.NameFormat.DNS1123_SUBDOMAIN, bad).size(), bad);
        }
    }

    @Test
    void validLabelsPass() {
        assertEquals(List.of(), labels(Map.of(
                "app", "web",
                "kubernetes.io/service-name", "x".repeat(63),
                "a.b/C_d.e-f", "A_b.c-D",
                "empty", "",
                "a".repeat(253) .replaceAll("(.{62}).", "$1.") + "/" + "k".repeat(63), "v")));
    }

    @Test
    void labelKeyPrefixNameAndValueAreEachLimited() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("k", "v".repeat(10 * 1024));
        labels.put("p".repeat(254) + "/k", "v");
        labels.put("n".repeat(64), "v");
        labels.put("bad key", "-v");
        labels.put("Prefix/k", "v");
        labels.put("/k", "v");
        assertEquals(List.of(
                "metadata.labels key \"/k\": prefix \"\" is not a DNS-1123 subdomain (DNS-1123 labels joined by '.')",
                "metadata.labels key \"Prefix/k\": prefix \"Prefix\" is not a DNS-1123 subdomain (DNS-1123 labels joined by '.')",
                "metadata.labels key \"bad key\": name \"bad key\" is not alphanumerics, '-', '_' and '.', starting and ending alphanumeric",
                "metadata.labels[\"bad key\"] value \"-v\" is not alphanumerics, '-', '_' and '.', starting and ending alphanumeric",
                "metadata.labels[\"k\"] value \"" + "v".repeat(40) + "...\" is 10240 characters, over the limit of 63",
                "metadata.labels key \"" + "n".repeat(40) + "...\": name \"" + "n".repeat(40)
                        + "...\" is 64 characters, over the limit of 63",
                "metadata.labels key \"" + "p".repeat(40) + "...\": prefix \"" + "p".repeat(40)
                        + "...\" is 254 characters, over the limit of 253"),
                labels(labels));
    }
}
