package dev.senda.cli;

import dev.senda.maps.metrics.DatapathCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code senda bpf metrics [--bpffs-root DIR] [-o json]}: the datapath's event counters, read from
 * the pinned per-CPU map and summed over CPUs (the same numbers the agent exports as
 * {@code senda_datapath_events_total}). Works without a running agent: the map is pinned.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "The datapath's event counters, summed over CPUs.")
final class BpfMetricsCommand implements Callable<Integer> {
    @Mixin
    InspectOptions options;

    @Override
    public Integer call() {
        boolean json = options.json();
        try (DatapathCounters counters = DatapathCounters.openPinned(options.bpffsRoot)) {
            DatapathEventListing listing = new DatapathEventListing(counters.readAll());
            System.out.print(json ? listing.toJson() : listing.toTable());
        }
        return 0;
    }
}
