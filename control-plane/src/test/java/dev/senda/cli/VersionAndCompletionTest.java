package dev.senda.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --version} on every command, and the generated shell completion. */
class VersionAndCompletionTest {
    @Test
    void everyCommandPrintsTheBuildsVersion() {
        String top = CliRun.stdout("--version").strip();
        assertTrue(top.matches("senda \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), top);
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 8, "commands found: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--version");
            assertEquals(top, CliRun.stdout(args.toArray(String[]::new)).strip(), String.join(" ", args));
        }
    }

    @Test
    void bashCompletionCoversTheCommands() {
        String script = CliRun.stdout("generate-completion");
        assertTrue(script.contains("complete -F"), "not a bash completion script");
        for (String word : List.of("agent", "bpf", "cleanup", "--pod-devices", "--node-devices")) {
            assertTrue(script.contains(word), "completion lacks " + word);
        }
        assertFalse(script.isBlank());
    }

    /** Every subcommand path (e.g. [bpf, lb, list]) whose command has --version. */
    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        for (var e : cmd.getSubcommands().entrySet()) {
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            if (e.getValue().getCommandSpec().mixinStandardHelpOptions()) out.add(sub);
            collect(e.getValue(), sub, out);
        }
    }
}
