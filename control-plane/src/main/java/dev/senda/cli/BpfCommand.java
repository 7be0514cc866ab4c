package dev.senda.cli;

import dev.senda.maps.lb.KernelLbMaps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code senda bpf ...}: inspect what the datapath's maps hold. */
@Command(name = "bpf", mixinStandardHelpOptions = true, description = "Inspect Senda's BPF maps.",
        subcommands = {BpfCommand.Lb.class, BpfMetricsCommand.class})
public final class BpfCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code senda bpf lb ...} */
    @Command(name = "lb", mixinStandardHelpOptions = true, description = "Load-balancer maps.",
            subcommands = LbList.class)
    static final class Lb implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** {@code senda bpf lb list [-o json]} */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The programmed frontends with their backends, decoded.")
    static final class LbList implements Callable<Integer> {
        @Option(names = "--bpffs-root", paramLabel = "DIR", defaultValue = "/sys/fs/bpf/senda",
                description = "where the agent pinned its maps (default: ${DEFAULT-VALUE})")
        Path bpffsRoot;

        @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
                description = "output format (default: ${DEFAULT-VALUE})")
        String output;

        @Override
        public Integer call() {
            if (!output.equals("table") && !output.equals("json")) {
                throw new IllegalArgumentException("--output: expected 'table' or 'json', got '" + output + "'");
            }
            if (!java.nio.file.Files.exists(bpffsRoot.resolve("senda_svc4_v1"))) {
                throw new IllegalArgumentException("no Senda maps under --bpffs-root " + bpffsRoot
                        + " (is an agent running, or did it run, with this --bpffs-root?)");
            }
            try (KernelLbMaps maps = KernelLbMaps.openPinned(bpffsRoot)) {
                LbListing listing = LbListing.of(maps);
                System.out.print(output.equals("json") ? listing.toJson() : listing.toTable());
            }
            return 0;
        }
    }
}
