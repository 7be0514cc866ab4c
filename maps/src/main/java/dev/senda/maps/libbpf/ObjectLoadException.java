package dev.senda.maps.libbpf;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link BpfObject#load()} failed: usually the verifier rejected a program. Carries libbpf's warnings of
 * that load, which hold the verifier's log between {@code -- BEGIN PROG LOAD LOG --} and
 * {@code -- END PROG LOAD LOG --}; the verifier states its reason at the end of it.
 */
public final class ObjectLoadException extends LibbpfException {
    private static final Pattern PROGRAM = Pattern.compile("prog '([^']+)': BPF program load failed");
    private final String warnings;

    ObjectLoadException(String context, int errno, String detail, String warnings) {
        super(context, errno, detail);
        this.warnings = warnings == null ? "" : warnings;
    }

    /** Everything libbpf warned about during the load. */
    public String warnings() {
        return warnings;
    }

    /** The program the kernel refused, when libbpf named one. */
    public Optional<String> rejectedProgram() {
        Matcher m = PROGRAM.matcher(warnings);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The last {@code maxLines} lines of the verifier's log (of libbpf's warnings when it logged none),
     * at most {@code maxChars} characters: where the verifier says why, bounded for a log line, a
     * metric-adjacent health body and people.
     */
    public String verifierTail(int maxLines, int maxChars) {
        String text = warnings;
        int begin = text.lastIndexOf("-- BEGIN PROG LOAD LOG --");
        int end = text.lastIndexOf("-- END PROG LOAD LOG --");
        if (begin >= 0 && end > begin) text = text.substring(text.indexOf('\n', begin) + 1, end);
        List<String> lines = text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) return getMessage();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        return tail.length() <= maxChars ? tail : "..." + tail.substring(tail.length() - maxChars + 3);
    }
}
