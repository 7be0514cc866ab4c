package dev.senda.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every {@code senda bpf ...} map inspection command shares (a picocli mixin). */
final class InspectOptions {
    @Option(names = "--bpffs-root", paramLabel = "DIR", defaultValue = "/sys/fs/bpf/senda",
            description = "where the agent pinned its maps (default: ${DEFAULT-VALUE})")
    Path bpffsRoot;

    @Mixin
    OutputOption output;

    /** @see OutputOption#json() */
    boolean json() {
        return output.json();
    }
}
