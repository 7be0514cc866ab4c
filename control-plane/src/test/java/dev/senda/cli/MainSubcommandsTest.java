package dev.senda.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command line naming a command builds that command's model only; anything else gets them all. */
class MainSubcommandsTest {
    private static final List<String> ALL = List.of("agent", "bpf", "cleanup", "policy", "help", "generate-completion");

    @Test
    void aNamedCommandGetsItsOwnModelOnly() {
        assertEquals(List.of("agent"), List.copyOf(Main.commandLine("agent", "--node-name", "n").getSubcommands().keySet()));
        assertEquals(List.of("bpf"), List.copyOf(Main.commandLine("bpf", "lb", "list").getSubcommands().keySet()));
        assertEquals(List.of("cleanup"), List.copyOf(Main.commandLine("cleanup").getSubcommands().keySet()));
    }

    @Test
    void helpCompletionAndUnknownNamesGetEveryCommand() {
        for (String[] args : List.of(new String[0], new String[] {"help", "agent"}, new String[] {"generate-completion"},
                new String[] {"--help"}, new String[] {"agnet"})) {
            assertEquals(ALL, List.copyOf(Main.commandLine(args).getSubcommands().keySet()), String.join(" ", args));
        }
        for (String[] args : List.of(new String[0], new String[] {"--help"})) {
            String usage = CliRun.stdout(args);
            for (String name : ALL) assertTrue(usage.contains(name), "usage lacks " + name + ":\n" + usage);
        }
        assertTrue(CliRun.stdout("help", "cleanup").contains("Usage: senda cleanup"));
        assertTrue(CliRun.stdout("agent", "--help").contains("Usage: senda agent"));
    }
}
