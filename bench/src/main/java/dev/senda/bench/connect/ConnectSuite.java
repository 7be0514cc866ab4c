package dev.senda.bench.connect;

import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.Row;
import dev.senda.testbed.bench.ConnectBench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * The end-to-end suite: {@link ConnectBench} (connect latency and rate through a Service VIP, Senda
 * beside a direct connection and kube-proxy's iptables and nftables rules, with cold-load times).
 *
 * <p>FULL: 1,000 and 5,000 Services x 10 endpoints, 5,000 connections per mode, every mode but
 * {@code kube-proxy-iptables-nft}, whose rule load alone takes minutes at these sizes on this machine
 * kind (run it with {@code ConnectBenchMain --modes}). SHORT: 10 Services, 50 connections, every mode,
 * which only proves each datapath still connects ({@code ConnectBenchE2eTest} is the thorough short run).
 */
public final class ConnectSuite {
    private ConnectSuite() {
    }

    public static List<Row> run(BenchMode mode) throws IOException {
        Path work = Files.createTempDirectory("senda-bench-connect-");
        try {
            ConnectBench.Options options = mode == BenchMode.SHORT
                    ? new ConnectBench.Options(List.of(10), 10, 50, 10, EnumSet.allOf(ConnectBench.Mode.class), work)
                    : new ConnectBench.Options(List.of(1_000, 5_000), 10, 5_000, 500,
                            EnumSet.complementOf(EnumSet.of(ConnectBench.Mode.IPTABLES_NFT)), work);
            return ConnectBench.run(options);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
