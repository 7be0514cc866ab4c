package dev.senda.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a {@code --config} file turns into: flags before the command line's own, flags on it winning. */
class ConfigFileArgsTest {
    @TempDir
    Path tmp;

    private final CommandLine.Model.CommandSpec agent = new CommandLine(new AgentCommand()).getCommandSpec();

    @Test
    void settingsBecomeFlagsBeforeTheCommandLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("c.yaml"), """
                sync-period: 30s
                socket-lb: false
                nodeport-addresses: [primary, 10.0.0.0/8]
                """);
        assertEquals(List.of("--sync-period=30s", "--socket-lb=false", "--nodeport-addresses=primary,10.0.0.0/8",
                        "--config", file.toString(), "--node-name", "n"),
                List.of(ConfigFileArgs.expand(new String[]{"--config", file.toString(), "--node-name", "n"}, agent)));
    }

    @Test
    void aFlagOnTheCommandLineReplacesTheFileSetting() throws IOException {
        Path file = Files.writeString(tmp.resolve("c.yaml"), "sync-period: 30s\nmin-sync-period: 1s\n");
        assertEquals(List.of("--min-sync-period=1s", "--config=" + file, "--sync-period=5s"),
                List.of(ConfigFileArgs.expand(new String[]{"--config=" + file, "--sync-period=5s"}, agent)));
    }

    @Test
    void withoutConfigTheArgumentsAreUnchanged() {
        String[] args = {"--node-name", "n"};
        assertEquals(List.of(args), List.of(ConfigFileArgs.expand(args, agent)));
    }

    @Test
    void anEmptyFileSetsNothing() throws IOException {
        Path file = Files.writeString(tmp.resolve("c.yaml"), "");
        assertEquals(List.of("--config", file.toString()),
                List.of(ConfigFileArgs.expand(new String[]{"--config", file.toString()}, agent)));
    }
}
