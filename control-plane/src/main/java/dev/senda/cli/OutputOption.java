package dev.senda.cli;

import picocli.CommandLine.Option;

/** {@code -o table|json}, shared by every command that prints a listing (a picocli mixin). */
final class OutputOption {
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
