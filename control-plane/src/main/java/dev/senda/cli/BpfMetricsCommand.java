package dev.senda.cli;

import dev.senda.maps.metrics.DatapathCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code senda bpf metrics [--bpffs-root DIR] [-o json]}: the datapath's event counters, read from
 * the pinned per-CPU map and summed over CPUs (the same numbers the agent exports as
 * {@code senda_datapath_events_total}). Works without a running agent: the map is pinned.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "The datapath's event counters, summed over CPUs.")
final class BpfMetricsCommand implements Callable<Integer> {
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
        try (DatapathCounters counters = DatapathCounters.openPinned(bpffsRoot)) {
            DatapathEventListing listing = new DatapathEventListing(counters.readAll());
            System.out.print(output.equals("json") ? listing.toJson() : listing.toTable());
        }
        return 0;
    }
}
