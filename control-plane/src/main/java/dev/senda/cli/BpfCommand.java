package dev.senda.cli;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.lb.LbMaps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code senda bpf ...}: inspect what the datapath's maps hold, and the kernel features it chooses by. */
@Command(name = "bpf", mixinStandardHelpOptions = true,
        description = "Inspect Senda's BPF maps and what the kernel offers them.",
        subcommands = {BpfCommand.Lb.class, BpfCommand.Nat.class, BpfCommand.Policy.class, BpfMetricsCommand.class, BpfFeaturesCommand.class})
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
        @Mixin
        InspectOptions options;

        @Override
        public Integer call() {
            boolean json = options.json();
            Path bpffsRoot = options.bpffsRoot;
            if (!java.nio.file.Files.exists(bpffsRoot.resolve(Codecs.SVC4_MAP.mapName()))) {
                throw new IllegalArgumentException("no Senda maps under --bpffs-root " + bpffsRoot
                        + " (is an agent running, or did it run, with this --bpffs-root?)");
            }
            try (LbMaps maps = LbMaps.openPinned(bpffsRoot)) {
                LbListing listing = LbListing.of(maps);
                System.out.print(json ? listing.toJson() : listing.toTable());
            }
            return 0;
        }
    }

    /** {@code senda bpf nat ...} */
    @Command(name = "nat", mixinStandardHelpOptions = true, description = "Source-NAT maps.",
            subcommands = NatList.class)
    static final class Nat implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** {@code senda bpf nat list [-o json]} */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The source-NATed flows from outside to backends on other nodes, both halves, decoded.")
    static final class NatList implements Callable<Integer> {
        @Mixin
        InspectOptions options;

        @Override
        public Integer call() {
            Path bpffsRoot = options.bpffsRoot;
            if (!java.nio.file.Files.exists(bpffsRoot.resolve(Codecs.NAT4_MAP.mapName()))) {
                throw new IllegalArgumentException("no Senda NAT maps under --bpffs-root " + bpffsRoot
                        + " (is an agent running, or did it run, with this --bpffs-root?)");
            }
            try (var nat = dev.senda.maps.nat.NatTables.NAT.openPinned(bpffsRoot)) {
                NatListing listing = NatListing.of(nat.entries());
                System.out.print(options.json() ? listing.toJson() : listing.toTable());
            }
            return 0;
        }
    }

    /** {@code senda bpf policy ...} */
    @Command(name = "policy", mixinStandardHelpOptions = true, description = "NetworkPolicy maps.",
            subcommands = PolicyList.class)
    static final class Policy implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** {@code senda bpf policy list [-o json]} */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The local pods (address -> endpoint id, isolation) and their rule entries (peer prefix -> "
                    + "port ranges with the allowing policy's id), decoded.")
    static final class PolicyList implements Callable<Integer> {
        @Mixin
        InspectOptions options;

        @Override
        public Integer call() {
            Path bpffsRoot = options.bpffsRoot;
            if (!java.nio.file.Files.exists(bpffsRoot.resolve(Codecs.POLEP4_MAP.mapName()))) {
                throw new IllegalArgumentException("no Senda policy maps under --bpffs-root " + bpffsRoot
                        + " (is an agent running, or did it run, with this --bpffs-root?)");
            }
            try (var endpoints = dev.senda.maps.policy.PolicyTables.ENDPOINTS.openPinned(bpffsRoot);
                 var rules = dev.senda.maps.policy.PolicyTables.RULES.openPinned(bpffsRoot)) {
                BpfPolicyListing listing = BpfPolicyListing.of(endpoints.entries(), rules.entries());
                System.out.print(options.json() ? listing.toJson() : listing.toTable());
            }
            return 0;
        }
    }
}
