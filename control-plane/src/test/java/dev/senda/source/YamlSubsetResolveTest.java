package dev.senda.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link YamlSubset#resolve}'s hand-written scanners against the regular expressions they replaced:
 * on every input, the same node or the same refusal.
 */
class YamlSubsetResolveTest {
    // The oracle: resolve as it was written with regular expressions.
    private static final Pattern INT = Pattern.compile("-?(0|[1-9][0-9]{0,8})");
    private static final Pattern DIGITS_TEXT = Pattern.compile(
            "[0-9]+(\\.[0-9]+){2,}(/[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z"
                    + "|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<String> SCHEMA_WORDS = Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n");

    private static Object oracle(String text) {
        if (text.isEmpty()) return TextNode.valueOf("");
        if (text.equals("~") || text.equals("null")) return NullNode.getInstance();
        if (text.equals("true")) return BooleanNode.TRUE;
        if (text.equals("false")) return BooleanNode.FALSE;
        char c = text.charAt(0);
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
            if (INT.matcher(text).matches()) return IntNode.valueOf(Integer.parseInt(text));
            if (DIGITS_TEXT.matcher(text).matches()) return TextNode.valueOf(text);
            return "declined: a number-like scalar";
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '_')) {
            return "declined: a scalar starting with an indicator";
        }
        if (text.length() <= 5 && SCHEMA_WORDS.contains(text.toLowerCase(Locale.ROOT))) {
            return "declined: a boolean-like word";
        }
        return TextNode.valueOf(text);
    }

    private static Object actual(String text) {
        try {
            JsonNode node = YamlSubset.resolve(text);
            return node;
        } catch (YamlSubset.Unsupported e) {
            return "declined: " + e.getMessage();
        }
    }

    private static void assertSame(String text) {
        Object expected = oracle(text);
        Object got = actual(text);
        assertEquals(expected, got, () -> "resolve(\"" + text + "\")");
        if (expected instanceof JsonNode e) assertEquals(e.getNodeType(), ((JsonNode) got).getNodeType(), text);
    }

    static final List<String> EDGES = List.of(
            "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "yes", "Yes", "no", "NO", "on",
            "On", "off", "y", "Y", "n", "N", "o", "t", "f", "tru", "nul", "offf", "yess",
            "0", "00", "01", "007", "-0", "-00", "+0", "+1", "-", "+", ".", "..", "-.", "1", "-1", "9", "12345678",
            "123456789", "1234567890", "-123456789", "-1234567890", "999999999", "-999999999", "2147483647",
            "0x1f", "0X1F", "0o17", "017", "0b101", "1_000", "1,000", "1e3", "1E3", "1.5", "-1.5", ".5", "5.",
            ".inf", "-.inf", "+.inf", ".Inf", ".nan", ".NaN", "1:30", "190:20:30", "12:30:00",
            "10.96.0.1", "10.96.0.1/32", "10.96.0.0/", "10.96.0.0/x", "10.96..1", "10.96.0.", ".10.96.0", "1.2",
            "1.2.3", "1.2.3.4.5", "256.256.256.256", "01.02.03.04", "10.96.0.1/", "10/8", "1.2/3", "1.2.3/4",
            "1.2.3.4/5/6", "1.2.3.4 ", " 1.2.3.4", "1. 2.3.4",
            "2025-03-01T10:00:00Z", "2025-03-01T10:00:00.123Z", "2025-03-01T10:00:00.Z", "2025-03-01T10:00:00z",
            "2025-03-01t10:00:00Z", "2025-03-01", "2025-03-01 10:00:00Z", "2025-03-01T10:00:00+01:00",
            "202-03-01T10:00:00Z", "2025-3-01T10:00:00Z", "2025-03-01T10:00:00", "2025-03-01T10:00:00.5",
            "12345678-1234-1234-1234-123456789abc", "12345678-1234-1234-1234-123456789ABC",
            "12345678-1234-1234-1234-123456789ab", "12345678-1234-1234-1234-123456789abcd",
            "1234567g-1234-1234-1234-123456789abc", "12345678_1234-1234-1234-123456789abc",
            "abc", "ABC", "_x", "/path", "http", "TCP", "IPv4", "svc-00001", "a b", "a: b", "#x", "&a", "*a", "!t",
            "%x", "@x", "`x", "|", ">", "'q'", "\"q\"", "[a]", "{a}", ",", "?", ":",
            "\u0661\u0662", "1\u0662", "\u0661.2.3.4", "1.2.3.\u0664", "\uFF11", "-\u0661", "\u00e9t\u00e9", "\u0130",
            "\u212Aey", "10\u200b", "1 ", " 1", "- 1", "-1 ");

    @Test
    void edgeCasesResolveAsTheRegularExpressionsDid() {
        for (String text : EDGES) assertSame(text);
    }

    @Test
    void randomScalarsResolveAsTheRegularExpressionsDid() {
        Random random = new Random(0x5e4da);
        String alphabet = "0123456789012345678901234567890123456789.-+/:_TZ eaxof~\u0661";
        String[] pieces = {"10", "96", "0", "255", "256", "2025", "03", "01", "T", "Z", ":", ".", "-", "/", "abc",
                "12345678", "1234", "123456789abc", "true", "Null", "0x", ".inf", "1_000", "00", "-"};
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            boolean byPiece = random.nextBoolean();
            for (int j = 0; j < length; j++) {
                if (byPiece) s.append(pieces[random.nextInt(pieces.length)]);
                else s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertSame(s.toString());
        }
        // Well-formed shapes with one character changed.
        List<String> shapes = new ArrayList<>(List.of("10.96.0.1", "10.244.12.7/24", "2025-03-01T10:00:00Z",
                "2025-03-01T10:00:00.125Z", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "123456789", "-42"));
        for (int i = 0; i < 100_000; i++) {
            char[] s = shapes.get(random.nextInt(shapes.size())).toCharArray();
            s[random.nextInt(s.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            assertSame(new String(s));
        }
    }
}
