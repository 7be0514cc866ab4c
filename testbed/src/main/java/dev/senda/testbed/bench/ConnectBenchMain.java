package dev.senda.testbed.bench;

import dev.senda.cli.ErrorReporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The end-to-end connect benchmark by hand (root), with the testbed module's class path:
 * {@code java --enable-native-access=ALL-UNNAMED -cp testbed/target/classes:testbed/target/lib/*
 * dev.senda.testbed.bench.ConnectBenchMain [--services 1000,5000] ...}; prints one progress line per
 * (size, mode) on stderr and the table on stdout. {@code senda bench} runs {@link ConnectBench} itself.
 */
@Command(name = "connect-bench", mixinStandardHelpOptions = true,
        description = "Connect latency and rate through a Service VIP: Senda (socket LB, tc) beside a direct connection "
                + "and kube-proxy's iptables and nftables rules, in network namespaces (needs root).")
public final class ConnectBenchMain implements Callable<Integer> {
    @Option(names = "--services", split = ",", defaultValue = "1000,5000", paramLabel = "N[,N...]",
            description = "Service counts, one run each (default: ${DEFAULT-VALUE})")
    List<Integer> services;

    @Option(names = "--endpoints", defaultValue = "10", description = "endpoints per Service (default: ${DEFAULT-VALUE})")
    int endpoints;

    @Option(names = "--connections", defaultValue = "5000", description = "measured connections per mode (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--warmup", defaultValue = "500", description = "unmeasured connections first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--modes", split = ",", paramLabel = "MODE[,MODE...]",
            description = "datapaths (default: all): ${COMPLETION-CANDIDATES}")
    Set<ConnectBench.Mode> modes;

    @Option(names = "--work-dir", description = "rule files, YAML and logs (default: a new temporary directory)")
    Path workDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConnectBenchMain()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new ErrorReporter()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? workDir : Files.createTempDirectory("senda-connect-bench-");
        System.err.println("connect bench: work dir " + dir);
        // one size at a time, its table printed at once: a later size that fails keeps the earlier ones
        List<dev.senda.bench.api.Row> rows = new ArrayList<>();
        for (int n : services) {
            ConnectBench.Options options = new ConnectBench.Options(List.of(n), endpoints, connections, warmup,
                    modes == null ? EnumSet.allOf(ConnectBench.Mode.class) : EnumSet.copyOf(modes), dir);
            rows.addAll(ConnectBench.run(options, System.err::println));
            System.out.print(ConnectBench.table(rows));
            System.out.flush();
        }
        return 0;
    }
}
