package dev.senda.e2e;

import dev.senda.testbed.Exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Prometheus' own linter, {@code promtool check metrics}, over a scrape: the exposition format, names,
 * units and help texts as Prometheus judges them, not as our tests guess.
 *
 * <p>The launcher ({@code ./senda test}) provides it: {@code promtool} on the PATH, else the binary it
 * unpacked from Debian's {@code prometheus} package without installing the package (which would start
 * a Prometheus server), passed in {@code SENDA_PROMTOOL}. A test run without it fails naming both: a
 * skipped lint would prove nothing.
 */
final class Promtool {
    /**
     * Series that keep kube-proxy's names although promtool's lint objects to them: dashboards and alerts
     * written for kube-proxy read these names (kube-proxy exports this gauge with a {@code _total} suffix).
     * Only lint findings about them are excepted; a parse error anywhere still fails.
     */
    private static final List<String> KUBE_PROXY_NAMES = List.of("kubeproxy_sync_proxy_rules_no_local_endpoints_total ");
    /** promtool's exit code when the only problems are lint findings (a parse error exits 1). */
    private static final int LINT_EXIT = 3;

    private Promtool() {
    }

    /** The promtool binary: {@code SENDA_PROMTOOL}, else {@code promtool} on the PATH. */
    static String binary() {
        String fromLauncher = System.getenv("SENDA_PROMTOOL");
        if (fromLauncher != null && !fromLauncher.isBlank()) return fromLauncher;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) return Path.of(dir, "promtool").toString();
        }
        return fail("promtool not found: run the tests through ./senda test (it provides promtool) "
                + "or set SENDA_PROMTOOL to a promtool binary");
    }

    /** Asserts that {@code promtool check metrics} finds no problem in {@code scrape}. */
    static void assertClean(String scrape) throws IOException {
        Path file = Files.createTempFile("senda-scrape", ".prom");
        try {
            Files.writeString(file, scrape, StandardCharsets.UTF_8);
            Exec.Result r = Exec.run(Duration.ofSeconds(30), "sh", "-c", "exec \"$0\" check metrics < \"$1\"", binary(), file.toString());
            List<String> findings = (r.stdout() + r.stderr()).lines()
                    .filter(l -> !l.isBlank() && KUBE_PROXY_NAMES.stream().noneMatch(l::startsWith))
                    .toList();
            assertTrue(findings.isEmpty() && (r.ok() || r.exitCode() == LINT_EXIT),
                    "promtool check metrics found problems (exit " + r.exitCode() + "):\n" + String.join("\n", findings));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
