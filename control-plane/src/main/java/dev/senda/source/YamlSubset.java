package dev.senda.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * A fast reader for the subset of YAML that Kubernetes manifests are written in (by hand, by
 * {@code kubectl get -o yaml}, by generators), giving the same trees as the full parser (SnakeYAML
 * under Jackson, {@link YamlObjects}) gives for them, about ten times faster. It reads a text or
 * declines it: {@link Unsupported} means "not in the subset, read it with the full parser", never
 * "wrong", so the full parser stays the only judge of a text and the author of every error message.
 *
 * <p>The subset: printable ASCII, documents separated by {@code ---}, comments, block mappings with
 * plain or quoted keys of ordinary characters, block sequences (also at their key's indentation and
 * compact, {@code - key: value}), and one-line values: plain scalars, single-quoted and
 * double-quoted scalars without escapes, flow sequences and flow mappings. Plain scalars resolve as
 * YAML's core schema does where the full parser agrees: {@code true}/{@code false}, {@code null}/{@code ~},
 * nothing (the empty text, as the full parser reads it), decimal integers of up to nine digits, and text. Everything else declines: tabs,
 * non-ASCII (a byte-order mark too), anchors, aliases, tags, block scalars ({@code |}, {@code >}),
 * multi-line scalars and flow collections, merge keys, directives, duplicate keys, and plain scalars
 * whose type another YAML schema could read differently (a float, octal, hexadecimal or sexagesimal
 * number, a date alone, {@code yes}/{@code on}/{@code True} and the like), lines longer than
 * {@value #MAX_LINE} characters.
 *
 * <p>Top-level documents go to a {@link Handler} as {@link YamlObjects} hands them on: the items of
 * a root mapping's {@code items} sequence (and of a root sequence) one by one as they are read, so a
 * file costs the memory of one object at a time, not of its text. Not thread-safe; one instance per text.
 */
final class YamlSubset {
    /** The text is not in the subset; nothing about whether it is valid YAML. */
    static final class Unsupported extends Exception {
        Unsupported(String why) {
            super(why, null, false, false); // thrown per declined file: no stack trace
        }
    }

    /** Where the documents go; {@link YamlObjects}' collector. */
    interface Handler {
        /** An object, or a list to recurse into, at list depth {@code depth} (0 for a document). */
        void object(ObjectNode node, int depth) throws YamlObjects.ParseException;

        /** A document or list item that is not an object. */
        void ignore(String what);
    }

    /** Bounds recursion (and so the stack) far above any manifest's nesting. */
    private static final int MAX_DEPTH = 64;
    /**
     * Longer lines are left to the full parser: they bound this reader's line buffer, and keep every
     * string and key far below the full parser's own limits (Jackson's on names and string lengths).
     */
    static final int MAX_LINE = 1 << 16;
    /** Longer keys (a label key is at most 317 characters) are left to the full parser. */
    private static final int MAX_KEY = 1024;
    /** Words that some YAML schema reads as a boolean or null: only the lower-case core-schema forms are taken. */
    private static final Set<String> SCHEMA_WORDS = Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A value left out ("key:" alone, "-" alone) is the empty text to the full parser, not null. */
    private static final TextNode EMPTY = TextNode.valueOf("");

    /** The longest text {@link #text} shares: names and words, not whole values. */
    private static final int SHARED_MAX = 64;

    private final LineReader lines;
    /** The texts {@link #text} shares, by hash; a newer text takes an older one's slot. */
    private final String[] shared = new String[1 << 13];
    /** The current line (the parser may blank a sequence's dash in it); null at the end. */
    private byte[] line;
    private int length;
    /** Leading spaces of the current line. */
    private int indent;
    /** The current line is a document separator. */
    private boolean separator;
    private int depth;

    private YamlSubset(InputStream in) {
        this.lines = new LineReader(in);
    }

    /**
     * Reads every document of {@code in} to its end into {@code out}.
     *
     * @throws Unsupported                when the text leaves the subset; {@code out} may have been given part of it
     * @throws YamlObjects.ParseException as {@code out} throws it
     * @throws IOException                when {@code in} fails
     */
    static void read(InputStream in, Handler out) throws IOException, Unsupported, YamlObjects.ParseException {
        new YamlSubset(in).documents(out);
    }

    private void documents(Handler out) throws IOException, Unsupported, YamlObjects.ParseException {
        advance();
        while (line != null) {
            if (separator) {
                advance();
                continue;
            }
            if (indent != 0) throw new Unsupported("an indented document");
            if (isDash(0)) {
                sequence(0, item -> rootItem(item, out));
            } else {
                rootMapping(out);
            }
            if (line != null && !separator) throw new Unsupported("content after a document's root");
        }
    }

    /** As {@code YamlObjects.document}: a root mapping's {@code items} are handed on one by one. */
    private void rootMapping(Handler out) throws IOException, Unsupported, YamlObjects.ParseException {
        ObjectNode rest = NODES.objectNode();
        boolean list = false;
        while (line != null && !separator && indent == 0) {
            int colon = keyEnd(0);
            String key = key(0, colon);
            if (rest.has(key) || (list && key.equals("items"))) throw new Unsupported("a duplicate key");
            int v = skipSpaces(colon + 1);
            if (v == length || line[v] == '#') {
                advance();
                boolean nested = line != null && !separator && (indent > 0 || isDash(0));
                if (nested && key.equals("items") && isDash(indent)) {
                    list = true;
                    sequence(indent, item -> rootItem(item, out));
                } else {
                    rest.set(key, nested ? node(indent) : EMPTY);
                }
            } else if (key.equals("items") && line[v] == '[') {
                list = true;
                for (JsonNode item : value(v, 0)) rootItem(item, out);
            } else {
                rest.set(key, value(v, 0));
            }
        }
        if (line != null && !separator && indent > 0) throw new Unsupported("bad indentation");
        if (!list) out.object(rest, 0);
    }

    /** As {@code YamlObjects.sequence}, one item. */
    private static void rootItem(JsonNode item, Handler out) throws YamlObjects.ParseException {
        if (item instanceof ObjectNode o) {
            out.object(o, 1);
        } else if (!item.isNull()) {
            out.ignore("a list item that is not a mapping");
        }
    }

    private interface ItemSink {
        void accept(JsonNode item) throws YamlObjects.ParseException, Unsupported;
    }

    /** A block sequence whose dashes are at column {@code n}; the current line is its first item. */
    private void sequence(int n, ItemSink items) throws IOException, Unsupported, YamlObjects.ParseException {
        enter();
        while (line != null && !separator && indent == n && isDash(n)) {
            int c = skipSpaces(n + 1);
            if (c == length || line[c] == '#') {
                advance();
                items.accept(line != null && !separator && indent > n ? node(indent) : EMPTY);
            } else {
                // "- key: value": the item is a node at the column after the dash, on this line and below.
                line[n] = (byte) ' ';
                indent = c;
                items.accept(node(c));
            }
        }
        if (line != null && !separator && indent > n) throw new Unsupported("bad indentation");
        depth--;
    }

    /** The node whose first line is the current one, starting at column {@code n} (= its indent). */
    private JsonNode node(int n) throws IOException, Unsupported, YamlObjects.ParseException {
        if (isDash(n)) {
            ArrayNode a = NODES.arrayNode();
            sequence(n, a::add);
            return a;
        }
        char c = (char) line[n];
        if (c == '[' || c == '{' || keyEndOrMinus(n) < 0) return value(n, n);
        return mapping(n);
    }

    /** A block mapping whose keys are at column {@code n}. */
    private ObjectNode mapping(int n) throws IOException, Unsupported, YamlObjects.ParseException {
        enter();
        ObjectNode map = NODES.objectNode();
        while (line != null && !separator && indent == n) {
            int colon = keyEnd(n);
            String key = key(n, colon);
            if (map.has(key)) throw new Unsupported("a duplicate key");
            int v = skipSpaces(colon + 1);
            if (v == length || line[v] == '#') {
                advance();
                // a nested node, or a sequence at its key's indentation, or nothing (null)
                boolean nested = line != null && !separator && (indent > n || (indent == n && isDash(n)));
                map.set(key, nested ? node(indent) : EMPTY);
            } else {
                map.set(key, value(v, n));
            }
        }
        if (line != null && !separator && indent > n) throw new Unsupported("bad indentation");
        depth--;
        return map;
    }

    /**
     * A one-line value from column {@code v} to the end of the current line, which it consumes.
     *
     * @param owner the indentation of the mapping or sequence it belongs to: a following line indented
     *              deeper would continue the scalar, which the subset does not take
     */
    private JsonNode value(int v, int owner) throws IOException, Unsupported {
        JsonNode node;
        int end;
        char c = (char) line[v];
        if (c == '[' || c == '{') {
            int[] at = {v};
            node = flow(at);
            end = at[0];
        } else if (c == '"' || c == '\'') {
            int close = quotedEnd(v);
            node = TextNode.valueOf(unquote(v, close));
            end = close + 1;
        } else {
            int stop = plainEnd(v);
            String text = trimmed(v, stop);
            if (text.endsWith(":") || text.contains(": ")) throw new Unsupported("a mapping in a scalar");
            node = resolve(text);
            end = stop;
        }
        end = skipSpaces(end);
        if (end < length && !(line[end] == '#' && line[end - 1] == ' ')) throw new Unsupported("text after a value");
        advance();
        if (line != null && !separator && indent > owner) throw new Unsupported("a multi-line scalar");
        return node;
    }

    /** The flow collections of one line: "[a, b]", "{k: v, k2: [x]}"; {@code at[0]} moves past it. */
    private JsonNode flow(int[] at) throws Unsupported {
        enter();
        int p = at[0];
        boolean seq = line[p] == '[';
        char close = seq ? ']' : '}';
        ArrayNode a = seq ? NODES.arrayNode() : null;
        ObjectNode m = seq ? null : NODES.objectNode();
        p = skipSpaces(p + 1);
        if (p < length && line[p] == close) {
            at[0] = p + 1;
            depth--;
            return seq ? a : m;
        }
        while (true) {
            if (seq) {
                int[] q = {p};
                a.add(flowItem(q, false));
                p = q[0];
            } else {
                int[] q = {p};
                JsonNode k = flowItem(q, true);
                if (!(k instanceof TextNode t) || !isPlainKey(t.textValue()) || t.textValue().length() > MAX_KEY) {
                    throw new Unsupported("an odd flow key");
                }
                p = q[0];
                if (p + 1 >= length || line[p] != ':' || line[p + 1] != ' ') throw new Unsupported("a flow key without ': '");
                q[0] = skipSpaces(p + 1);
                JsonNode value = flowItem(q, false);
                if (m.has(t.textValue())) throw new Unsupported("a duplicate key");
                m.set(t.textValue(), value);
                p = q[0];
            }
            p = skipSpaces(p);
            if (p >= length) throw new Unsupported("a multi-line flow collection");
            if (line[p] == close) {
                at[0] = p + 1;
                depth--;
                return seq ? a : m;
            }
            if (line[p] != ',') throw new Unsupported("an odd flow collection");
            p = skipSpaces(p + 1);
            if (p >= length || line[p] == close || line[p] == ',') throw new Unsupported("an empty flow entry");
        }
    }

    /** One entry of a flow collection: a scalar or a nested collection. */
    private JsonNode flowItem(int[] at, boolean key) throws Unsupported {
        int p = at[0];
        if (p >= length) throw new Unsupported("a multi-line flow collection");
        char c = (char) line[p];
        if (c == '[' || c == '{') {
            if (key) throw new Unsupported("a collection as a key");
            return flow(at);
        }
        if (c == '"' || c == '\'') {
            int close = quotedEnd(p);
            at[0] = close + 1;
            return TextNode.valueOf(unquote(p, close));
        }
        int e = p;
        while (e < length) {
            char d = (char) line[e];
            if (d == ',' || d == '[' || d == ']' || d == '{' || d == '}' || d == '#') break;
            // SnakeYAML ends a flow scalar at any '?' and at a ':' before a space, the end or an indicator
            if (d == '?') throw new Unsupported("a '?' in a flow scalar");
            if (d == ':' && (e + 1 == length || " ,[]{}".indexOf(line[e + 1]) >= 0)) break;
            e++;
        }
        if (e < length && (line[e] == '#' || line[e] == '[' || line[e] == '{')) throw new Unsupported("an odd flow scalar");
        String text = trimmed(p, e);
        if (text.isEmpty()) throw new Unsupported("an empty flow entry");
        at[0] = e;
        if (key) return TextNode.valueOf(text);
        return resolve(text);
    }

    /**
     * A plain scalar's type, where every YAML schema the full parser might use agrees: an integer is
     * {@code -?(0|[1-9][0-9]{0,8})}; digits that stay text are an IPv4 address or CIDR
     * ({@code [0-9]+(\.[0-9]+){2,}(/[0-9]+)?}), an RFC 3339 UTC time or a lower-case UUID.
     *
     * <p>Scanned by hand, not matched with regular expressions: this runs once per scalar (about a
     * million times for 10,000 Services), and under the agent's C1-only JIT the regex engine was the
     * largest part of it. YamlSubsetResolveTest holds the expressions and checks that both agree.
     */
    static JsonNode resolve(String text) throws Unsupported {
        if (text.isEmpty()) return EMPTY;
        if (text.equals("~") || text.equals("null")) return NullNode.getInstance();
        if (text.equals("true")) return BooleanNode.TRUE;
        if (text.equals("false")) return BooleanNode.FALSE;
        char c = text.charAt(0);
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
            int n = integer(text);
            if (n != NOT_AN_INT) return IntNode.valueOf(n);
            if (isDotted(text) || isUtcTime(text) || isUuid(text)) return TextNode.valueOf(text);
            throw new Unsupported("a number-like scalar");
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '_')) {
            throw new Unsupported("a scalar starting with an indicator");
        }
        if (isSchemaWord(text)) throw new Unsupported("a boolean-like word");
        return TextNode.valueOf(text);
    }

    /** Out of {@link #integer}'s range (nine digits): marks "not an integer of the subset". */
    private static final int NOT_AN_INT = Integer.MIN_VALUE;

    /** The value of {@code -?(0|[1-9][0-9]{0,8})}, or {@link #NOT_AN_INT}. */
    private static int integer(String s) {
        int n = s.length();
        int i = s.charAt(0) == '-' ? 1 : 0;
        if (i == n || n - i > 9) return NOT_AN_INT;
        char first = s.charAt(i);
        if (first == '0') return i + 1 == n ? 0 : NOT_AN_INT;
        int value = 0;
        for (int j = i; j < n; j++) {
            char d = s.charAt(j);
            if (d < '0' || d > '9') return NOT_AN_INT;
            value = value * 10 + (d - '0');
        }
        return i == 1 ? -value : value;
    }

    /** {@code [0-9]+(\.[0-9]+){2,}(/[0-9]+)?}: IPv4 addresses and CIDRs (and version-like text). */
    private static boolean isDotted(String s) {
        int n = s.length();
        int i = 0;
        int runs = 0;
        while (true) {
            int start = i;
            i = digits(s, i);
            if (i == start) return false;
            runs++;
            if (i == n) return runs >= 3;
            char c = s.charAt(i++);
            if (c == '/' && runs >= 3) {
                int end = digits(s, i);
                return end > i && end == n;
            }
            if (c != '.') return false;
        }
    }

    /** {@code [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z}. */
    private static boolean isUtcTime(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z') return false;
        if (digits(s, 0) != 4 || s.charAt(4) != '-' || digits(s, 5) != 7 || s.charAt(7) != '-' || digits(s, 8) != 10
                || s.charAt(10) != 'T' || digits(s, 11) != 13 || s.charAt(13) != ':' || digits(s, 14) != 16
                || s.charAt(16) != ':' || digits(s, 17) != 19) {
            return false;
        }
        if (n == 20) return true;
        return s.charAt(19) == '.' && n > 21 && digits(s, 20) == n - 1;
    }

    /** {@code [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}. */
    private static boolean isUuid(String s) {
        if (s.length() != 36) return false;
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) return false;
        }
        return true;
    }

    /** The index after the ASCII digits starting at {@code from}. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i;
    }

    /** One of {@link #SCHEMA_WORDS} in any case; the first letter rules out almost every text without a lookup. */
    private static boolean isSchemaWord(String text) {
        if (text.isEmpty() || text.length() > 5) return false;
        char c = (char) (text.charAt(0) | 0x20); // ASCII lower case (the subset is ASCII)
        if (c != 't' && c != 'f' && c != 'n' && c != 'y' && c != 'o') return false;
        return SCHEMA_WORDS.contains(text.toLowerCase(java.util.Locale.ROOT));
    }

    /** Where a plain scalar running from {@code v} ends: the line's end or a comment (" #"). */
    private int plainEnd(int v) {
        for (int i = v + 1; i < length; i++) {
            if (line[i] == '#' && line[i - 1] == ' ') return i;
        }
        return length;
    }

    /** The index of the closing quote of the quoted scalar at {@code q}, on this line. */
    private int quotedEnd(int q) throws Unsupported {
        char quote = (char) line[q];
        for (int i = q + 1; i < length; i++) {
            if (quote == '"' && line[i] == '\\') throw new Unsupported("an escape");
            if (line[i] == quote) {
                if (quote == '\'' && i + 1 < length && line[i + 1] == '\'') {
                    i++; // '' is one quote
                    continue;
                }
                return i;
            }
        }
        throw new Unsupported("a multi-line quoted scalar");
    }

    private String unquote(int open, int close) {
        String s = text(open + 1, close - open - 1);
        return line[open] == '\'' && s.contains("''") ? s.replace("''", "'") : s;
    }

    /**
     * The column of the ':' that ends the mapping key starting at {@code n}.
     *
     * @throws Unsupported when the line is not "key: ..." with a key of the subset
     */
    private int keyEnd(int n) throws Unsupported {
        int colon = keyEndOrMinus(n);
        if (colon < 0) throw new Unsupported("not a mapping entry");
        return colon;
    }

    /** As {@link #keyEnd}, or -1 when the line at {@code n} is not a mapping entry of the subset. */
    private int keyEndOrMinus(int n) throws Unsupported {
        char c = (char) line[n];
        if (c == '"' || c == '\'') {
            int close = quotedEnd(n);
            int colon = close + 1;
            return colon < length && line[colon] == ':' && (colon + 1 == length || line[colon + 1] == ' ') ? colon : -1;
        }
        for (int i = n; i < length; i++) {
            char d = (char) line[i];
            if (d == ':' && (i + 1 == length || line[i + 1] == ' ')) return i;
            if (d == '#' && i > n && line[i - 1] == ' ') return -1;
        }
        return -1;
    }

    /** The key from {@code n} to the colon; quoted or plain, of ordinary characters only. */
    private String key(int n, int colon) throws Unsupported {
        char c = (char) line[n];
        String key = c == '"' || c == '\'' ? unquote(n, colon - 1) : text(n, colon - n);
        if (c != '"' && c != '\'' && !isPlainKey(key)) throw new Unsupported("an odd key");
        if (isSchemaWord(key)) throw new Unsupported("a boolean-like key");
        if (key.isEmpty() || key.equals("<<") || key.length() > MAX_KEY) throw new Unsupported("an odd key");
        return key;
    }

    /** Letters, digits and "._/-" not starting with '-' or '.': label keys, field names. */
    private static boolean isPlainKey(String key) {
        if (key.isEmpty()) return false;
        char first = key.charAt(0);
        if (first == '-' || first == '.') return false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '/' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    /** A sequence entry's dash at column {@code n}: "-" alone or "- ...". */
    private boolean isDash(int n) {
        return n < length && line[n] == '-' && (n + 1 == length || line[n + 1] == ' ');
    }

    private int skipSpaces(int p) {
        while (p < length && line[p] == ' ') p++;
        return p;
    }

    private String trimmed(int from, int to) {
        int e = to;
        while (e > from && line[e - 1] == ' ') e--;
        return text(from, e - from);
    }

    /**
     * The text of {@code line[from, from + length)}: for a short one that does not start with a digit,
     * the same String as the last time this file had it. The model keeps many such texts (namespaces,
     * "TCP", port names, label keys, node names); sharing them within a file keeps one copy where there
     * would be one per object, and a repeat costs a hash instead of an allocation. Texts starting with
     * a digit (addresses, numbers) are mostly unique and would only push the others out.
     */
    private String text(int from, int length) {
        if (length == 0) return "";
        if (length > SHARED_MAX || (line[from] >= '0' && line[from] <= '9')) {
            return new String(line, from, length, StandardCharsets.ISO_8859_1);
        }
        int h = 0;
        for (int i = from; i < from + length; i++) h = 31 * h + line[i]; // String.hashCode's function
        int slot = (h ^ (h >>> 16)) & (shared.length - 1);
        String s = shared[slot];
        if (s != null && s.hashCode() == h && s.length() == length && sameChars(s, from)) return s;
        s = new String(line, from, length, StandardCharsets.ISO_8859_1);
        shared[slot] = s;
        return s;
    }

    private boolean sameChars(String s, int from) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != line[from + i]) return false;
        }
        return true;
    }

    private void enter() throws Unsupported {
        if (++depth > MAX_DEPTH) throw new Unsupported("nesting deeper than " + MAX_DEPTH);
    }

    /** Moves to the next line with content (blank and comment-only lines skipped). */
    private void advance() throws IOException, Unsupported {
        while (true) {
            line = lines.next();
            if (line == null) {
                length = 0;
                separator = false;
                return;
            }
            length = lines.length();
            int i = 0;
            while (i < length && line[i] == ' ') i++;
            if (i == length || line[i] == '#') continue;
            indent = i;
            separator = false;
            if (i == 0 && length >= 3 && line[0] == '-' && line[1] == '-' && line[2] == '-') {
                int rest = skipSpaces(3);
                if (length == 3 || (line[3] == ' ' && (rest == length || line[rest] == '#'))) {
                    separator = true;
                    return;
                }
                throw new Unsupported("content on a document separator");
            }
            if (i == 0 && (line[0] == '%' || (length >= 3 && line[0] == '.' && line[1] == '.' && line[2] == '.'))) {
                throw new Unsupported("a directive or a document end marker");
            }
            return;
        }
    }

    /**
     * Lines of printable ASCII from a byte stream; "\r\n" ends a line as "\n" does, any other carriage
     * return is refused. Kept as bytes: a line is copied out of the read buffer in one piece, and texts
     * are made from it as Latin-1 Strings by a plain copy (from chars they would be compressed char by
     * char, which under the agent's C1-only JIT has no intrinsic).
     */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;
        private byte[] bytes = new byte[256];
        private int length;
        private boolean eof;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line (in a buffer reused by the next call), or null at the end. */
        byte[] next() throws IOException, Unsupported {
            if (eof) return null;
            int n = 0;
            boolean carriageReturn = false;
            while (true) {
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        eof = true;
                        if (carriageReturn) throw new Unsupported("a carriage return");
                        length = n;
                        return bytes; // the last line, possibly empty
                    }
                }
                int i = pos;
                byte b = 0;
                while (i < end) {
                    b = buf[i];
                    if (b == '\n') break;
                    if (b < 0x20 || b > 0x7e) {
                        if (b != '\r') throw new Unsupported("a tab, control or non-ASCII character");
                        carriageReturn = true;
                    }
                    i++;
                }
                int count = i - pos;
                if (n + count > MAX_LINE) throw new Unsupported("a line longer than " + MAX_LINE);
                if (n + count > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + count));
                System.arraycopy(buf, pos, bytes, n, count);
                n += count;
                pos = i;
                if (i < end) { // at the '\n'
                    pos++;
                    if (carriageReturn) {
                        // only as the "\r" of a "\r\n"
                        if (bytes[n - 1] != '\r') throw new Unsupported("a carriage return");
                        n--;
                        for (int j = 0; j < n; j++) if (bytes[j] == '\r') throw new Unsupported("a carriage return");
                    }
                    length = n;
                    return bytes;
                }
            }
        }

        int length() {
            return length;
        }
    }
}
