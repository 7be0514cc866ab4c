package dev.senda.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The project's bash scripts run under {@code set -o pipefail}, where a pipeline fails when any of its
 * commands does. A reader that stops early ({@code head}, or awk's {@code exit}) makes its writer die of
 * SIGPIPE (exit 141) whenever the writer still has output to write, which depends on timing and on how much
 * the writer prints on that machine: {@code ldconfig -p | awk '... {print; exit}'} failed the image build
 * on one CI machine and passed on the others. So the scripts' readers read to the end
 * ({@code awk 'NR == 1'}); this test keeps them so.
 */
class ShellPipelinesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /**
     * A pipe into {@code head}, {@code grep -q}/{@code -m}, or an awk program with {@code exit}. Inside an
     * {@code sh -c} string (no pipefail there) these are allowed; a multi-line awk program is not looked
     * into.
     */
    private static final Pattern EARLY_READER =
            Pattern.compile("\\|\\s*(head\\b|grep\\s+-[a-zA-Z]*[qm]|awk\\b.*\\bexit\\b)");

    private static List<Path> pipefailScripts() throws IOException {
        List<Path> candidates = new ArrayList<>(List.of(ROOT.resolve("senda"), ROOT.resolve(".ci/run")));
        for (String dir : List.of("deploy", "vm-tests")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                // scripts, and the VM definitions whose provisioning scripts are inline (Lima's YAML)
                files.filter(f -> (f.toString().endsWith(".sh") || f.toString().endsWith(".yaml"))
                                && !f.toString().contains("/target/"))
                        .forEach(candidates::add);
            }
        }
        List<Path> out = new ArrayList<>();
        for (Path script : candidates) {
            if (Files.readString(script).contains("pipefail")) out.add(script);
        }
        return out;
    }

    @Test
    void noPipelineUnderPipefailEndsInAReaderThatStopsEarly() throws IOException {
        List<Path> scripts = pipefailScripts();
        assertFalse(scripts.size() < 5, "found the scripts: " + scripts);
        List<String> offending = new ArrayList<>();
        for (Path script : scripts) {
            List<String> lines = Files.readAllLines(script);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                String previous = i > 0 ? lines.get(i - 1).strip() : "";
                boolean inShC = line.contains("sh -c") || previous.endsWith("\\") && previous.contains("sh -c");
                if (!line.startsWith("#") && !inShC && EARLY_READER.matcher(line).find()) {
                    offending.add(ROOT.relativize(script) + ":" + (i + 1) + ": " + line);
                }
            }
        }
        assertEquals(List.of(), offending, "read to the end instead (awk 'NR == 1')");
    }
}
