package dev.senda.cli;

import dev.senda.maps.features.FeatureProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code senda bpf features [-o json]}: what this kernel offers Senda's datapath, probed now the way
 * the agent probes it at start. Changes nothing on the node; run it as root (without the privileges
 * the answers are "unknown", each saying so).
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Probe what this kernel offers the datapath (tcx, cgroup hooks, helpers, kfuncs, map types).")
final class BpfFeaturesCommand implements Callable<Integer> {
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        boolean json = output.json();
        FeatureListing listing = new FeatureListing(FeatureProbe.probe());
        System.out.print(json ? listing.toJson() : listing.toTable());
        return 0;
    }
}
