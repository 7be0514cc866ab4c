package dev.senda.agent;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent started with the DaemonSet's capabilities less one of those the datapath needs
 * ({@code setpriv --bounding-set}, as root: the bounding set is then the effective set) refuses to
 * start, naming the capability it lacks, before it loads or pins anything.
 */
@Tag("privileged")
class CapabilityDropPrivilegedTest {
    /** deploy/daemonset.yaml's set, in setpriv's spelling. */
    private static final List<String> DAEMONSET = List.of("net_admin", "sys_admin", "sys_ptrace");

    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @ParameterizedTest(name = "without CAP_{0}")
    @ValueSource(strings = {"NET_ADMIN", "SYS_ADMIN"})
    void theAgentWithoutACapabilityTheDatapathNeedsExitsNamingIt(String dropped) throws Exception {
        Path source = Files.createDirectories(tmp.resolve("objects"));
        Path pins = Path.of("/sys/fs/bpf", TestSupport.uniqueName() + "-capdrop");
        StringBuilder caps = new StringBuilder("-all");
        for (String c : DAEMONSET) if (!c.equalsIgnoreCase(dropped)) caps.append(",+").append(c);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=-all", "--bounding-set=" + caps,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.senda.cli.Main", "agent",
                "--source", "dir:" + source, "--node-name", "capdrop", "--bpffs-root", pins.toString(),
                "--state-dir", tmp.resolve("state").toString(),
                "--healthz-bind", "127.0.0.1:0", "--metrics-bind", "127.0.0.1:0"));
        Path log = tmp.resolve("agent.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, "the agent without CAP_" + dropped + " is still running after 120 s:\n" + out);
            assertNotEquals(0, p.exitValue(), "exit code without CAP_" + dropped + ":\n" + out);
            assertTrue(out.contains("lacks CAP_" + dropped), "the agent's output does not name CAP_" + dropped + ":\n" + out);
            assertFalse(Files.exists(pins) && hasEntries(pins), "pins left under " + pins);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            TestSupport.deleteTree(pins);
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
