package dev.senda.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every {@code senda bpf ...} inspection command shares (a picocli mixin). */
final class InspectOptions {
    @Option(names = "--bpffs-root", paramLabel = "DIR", defaultValue = "/sys/fs/bpf/senda",
            description = "where the agent pinned its maps (default: ${DEFAULT-VALUE})")
    Path bpffsRoot;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "output format (default: ${DEFAULT-VALUE})")
    String output;

    /**
     * @return true for JSON, false for a table
     * @throws IllegalArgumentException naming --output for any other format
     */
    boolean json() {
        return switch (output) {
            case "json" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("--output: expected 'table' or 'json', got '" + output + "'");
        };
    }
}
