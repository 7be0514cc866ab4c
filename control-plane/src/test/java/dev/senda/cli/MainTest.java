package dev.senda.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wrong flags are refused before anything touches the kernel: exit 2, the flag's name in the one-line
 * message, and the bpffs root never created (so nothing was pinned). Runs unprivileged: every case
 * fails before the first privileged step.
 */
class MainTest {
    @TempDir
    Path tmp;

    @Test
    void unknownFlagIsAUsageError() {
        assertEquals(2, Main.execute("agent", "--no-such-flag"));
    }

    @Test
    void missingSourceDirectoryLeavesNothingBehind() {
        assertRefused("--source: dir:" + tmp.resolve("missing") + ": no such directory",
                "--source", "dir:" + tmp.resolve("missing"));
    }

    @Test
    void sourceThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("svc.yaml"), "");
        assertRefused("--source: dir:" + file + ": not a directory", "--source", "dir:" + file);
    }

    @Test
    void missingKubeconfigLeavesNothingBehind() {
        assertRefused("--kubeconfig: " + tmp.resolve("nope") + ": no such file",
                "--source", "kubernetes", "--kubeconfig", tmp.resolve("nope").toString());
    }

    @Test
    void kubeconfigThatDoesNotParseIsRefused() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("kubeconfig"), "clusters: [unclosed\n  : :");
        assertRefused("--kubeconfig: " + garbage + ": not a kubeconfig",
                "--source", "kubernetes", "--kubeconfig", garbage.toString());
    }

    @Test
    void badBindAddressIsRefused() {
        assertRefused("--healthz-bind: invalid value 'nonsense'", "--healthz-bind", "nonsense");
        assertRefused("--metrics-bind: invalid value 'localhost:10249'", "--metrics-bind", "localhost:10249");
    }

    @Test
    void nonPositiveFileBoundIsRefused() {
        assertRefused("--source-max-file-bytes must be at least 1", "--source-max-file-bytes", "0");
        assertEquals(2, Main.execute("agent", "--source-max-file-bytes", "lots"));
    }

    @Test
    void badNodePortAddressesAreRefused() {
        assertRefused("--nodeport-addresses", "--nodeport-addresses", "primary,10.0.0.0/33");
    }

    @Test
    void badDeviceGlobIsRefused() {
        assertRefused("--pod-devices: invalid glob '[veth'", "--pod-devices", "[veth");
        assertRefused("--node-devices: invalid glob '{eth0'", "--node-devices", "{eth0");
    }

    @Test
    void cgroupRootMustBeACgroupDirectoryWhenSocketLbIsOn() throws IOException {
        Path plain = Files.createDirectory(tmp.resolve("plain"));
        assertRefused("--cgroup-root: " + tmp.resolve("gone") + ": no such directory",
                "--cgroup-root", tmp.resolve("gone").toString());
        assertRefused("--cgroup-root: " + plain + ": not a cgroup v2 directory", "--cgroup-root", plain.toString());
    }

    @Test
    void bpffsRootThatCannotBeCreatedIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "");
        CliRun.Failure run = CliRun.stderr(agent("--bpffs-root", file.resolve("senda").toString()));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("senda: error: --bpffs-root: " + file.resolve("senda") + ": cannot be created"),
                run.stderr());
    }

    @Test
    void badMapSizesAreRefusedNamingTheFlag() {
        assertRefused("--map-size-services: 8 is not in 16..16777216", "--map-size-services", "8");
        assertRefused("--map-size-nat: 33554432 is not in 16..16777216", "--map-size-nat", "33554432");
        assertRefused("--map-size-ratio: 0.5 is not in (0, 0.1]", "--map-size-ratio", "0.5");
        // 16 Mi entries of conntrack and of NAT, both families: over 10 GB, more than a quarter of any test machine
        assertRefused("--map-size-conntrack, --map-size-nat: the LRU maps would take", "--map-size-conntrack",
                "16777216", "--map-size-nat", "16777216");
        assertEquals(2, Main.execute("agent", "--map-size-backends", "many"));
        // every setting has its flag, and the flag sets that setting (the refusal names the setting's flag)
        for (dev.senda.maps.size.MapSizeSetting setting : dev.senda.maps.size.MapSizeSetting.ALL) {
            assertRefused(setting.flag() + ": 8 is not in 16..16777216", setting.flag(), "8");
        }
    }

    @Test
    void badOutputFormatIsRefused() {
        assertNotEquals(0, Main.execute("bpf", "lb", "list", "-o", "yaml", "--bpffs-root", "/nonexistent"));
    }

    @Test
    void badLogSettingsAreRefused() {
        assertRefused("--log-level: invalid value 'loud'", "--log-level", "loud");
        assertEquals(2, Main.execute("agent", "--log-format", "xml"));
    }

    @Test
    void badSyncPeriodsAreRefused() {
        assertRefused("--sync-period: invalid duration '30'", "--sync-period", "30");
        assertRefused("--min-sync-period: invalid duration '1.5s'", "--min-sync-period", "1.5s");
        assertRefused("--sync-period 1s is shorter than --min-sync-period 2s", "--min-sync-period", "2s", "--sync-period", "1s");
    }

    @Test
    void configFileSettingsAreCheckedAsTheirFlags() throws IOException {
        Path config = Files.writeString(tmp.resolve("senda.yaml"), "sync-period: 30\npod-devices: [veth*]\n");
        assertRefused("--sync-period: invalid duration '30'", "--config", config.toString());
    }

    @Test
    void flagsWinOverTheConfigFile() throws IOException {
        // The file's wrong value would be refused; the flag replaces it, so the next check is reached.
        Path config = Files.writeString(tmp.resolve("senda.yaml"), "sync-period: nonsense\n");
        assertRefused("--healthz-bind: invalid value 'x'", "--config", config.toString(), "--sync-period", "30s",
                "--healthz-bind", "x");
    }

    @Test
    void configFileWithAnUnknownSettingIsRefused() throws IOException {
        Path config = Files.writeString(tmp.resolve("senda.yaml"), "sync-period: 30s\nno-such-setting: 1\n");
        assertRefused("--config: " + config + ": unknown setting 'no-such-setting' (settings: ", "--config", config.toString());
    }

    @Test
    void configFileThatIsNotAMappingIsRefused() throws IOException {
        Path list = Files.writeString(tmp.resolve("list.yaml"), "- a\n- b\n");
        assertRefused("--config: " + list + ": not a YAML mapping of settings", "--config", list.toString());
        Path nested = Files.writeString(tmp.resolve("nested.yaml"), "sync-period: {a: 1}\n");
        assertRefused("--config: " + nested + ": 'sync-period': a scalar or a list expected", "--config", nested.toString());
        assertRefused("--config: " + tmp.resolve("gone.yaml") + ": no such file", "--config", tmp.resolve("gone.yaml").toString());
    }

    /** Runs the agent with otherwise valid settings and {@code flags}; it must stop before pinning anything. */
    private void assertRefused(String message, String... flags) {
        CliRun.Failure run = CliRun.stderr(agent(flags));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().startsWith("senda: error: " + message), run.stderr());
        assertTrue(run.stderr().contains("Try 'senda agent --help'"), run.stderr());
        assertFalse(Files.exists(tmp.resolve("bpf")), "the bpffs root was created");
    }

    /**
     * A command line that would start the agent, with {@code flags} (name, value pairs) replacing or
     * adding to the valid defaults (picocli refuses a flag given twice).
     */
    private String[] agent(String... flags) {
        Path source = tmp.resolve("source");
        Path cgroup = tmp.resolve("cgroup");
        try {
            Files.createDirectories(source);
            Files.createDirectories(cgroup);
            Files.writeString(cgroup.resolve("cgroup.controllers"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("--node-name", "n");
        settings.put("--source", "dir:" + source);
        settings.put("--bpffs-root", tmp.resolve("bpf").toString());
        settings.put("--cgroup-root", cgroup.toString());
        settings.put("--healthz-bind", "127.0.0.1:0");
        settings.put("--metrics-bind", "127.0.0.1:0");
        for (int i = 0; i + 1 < flags.length; i += 2) settings.put(flags[i], flags[i + 1]);
        List<String> args = new ArrayList<>(List.of("agent"));
        settings.forEach((flag, value) -> args.addAll(List.of(flag, value)));
        return args.toArray(String[]::new);
    }
}
