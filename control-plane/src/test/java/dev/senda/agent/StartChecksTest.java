package dev.senda.agent;

import dev.senda.desired.NodePortAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which kubeconfig the checks look for, as the Kubernetes client would pick it, and a valid config passing. */
class StartChecksTest {
    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:6443"}
            contexts:
            - name: x
              context: {cluster: c, user: u}
            current-context: x
            users:
            - name: u
              user: {token: t}
            """;

    @TempDir
    Path tmp;

    @Test
    void validSettingsPass() throws IOException {
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), KUBECONFIG);
        assertDoesNotThrow(() -> checks(Map.of()).check(config(new SourceSpec.Kubernetes(Optional.of(kubeconfig)))));
        assertDoesNotThrow(() -> checks(Map.of()).check(config(new SourceSpec.Directory(tmp))));
    }

    @Test
    void apiIdleTimeoutOutsideItsRangeIsNamed() {
        var checks = checks(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"));
        for (Duration bad : java.util.List.of(Duration.ofMillis(100), Duration.ofMinutes(11))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> checks.check(config(new SourceSpec.Kubernetes(Optional.empty(), bad))));
            assertTrue(e.getMessage().startsWith("--api-idle-timeout: "), e.getMessage());
        }
        assertDoesNotThrow(() -> checks.check(config(new SourceSpec.Kubernetes(Optional.empty(), Duration.ofSeconds(2)))));
        assertEquals(Duration.ofMillis(1500), dev.senda.source.ApiWatchSettings.parse("1500ms"));
        assertEquals(Duration.ofMinutes(2), dev.senda.source.ApiWatchSettings.parse("2m"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.senda.source.ApiWatchSettings.parse("30"));
        assertTrue(e.getMessage().startsWith("--api-idle-timeout: "), e.getMessage());
    }

    @Test
    void inClusterNeedsNoKubeconfig() {
        assertDoesNotThrow(() -> checks(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"))
                .check(config(new SourceSpec.Kubernetes(Optional.empty()))));
    }

    @Test
    void withoutKubeconfigOrPodTheFlagIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> checks(Map.of()).check(config(new SourceSpec.Kubernetes(Optional.empty()))));
        assertTrue(e.getMessage().startsWith("--kubeconfig: not given, not in a pod"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("home/.kube/config").toString()), e.getMessage());
    }

    @Test
    void homeKubeconfigIsUsedAndChecked() throws IOException {
        Path kube = Files.createDirectories(tmp.resolve("home/.kube"));
        Files.writeString(kube.resolve("config"), KUBECONFIG);
        assertDoesNotThrow(() -> checks(Map.of()).check(config(new SourceSpec.Kubernetes(Optional.empty()))));
        Files.writeString(kube.resolve("config"), "{{{");
        var e = assertThrows(IllegalArgumentException.class,
                () -> checks(Map.of()).check(config(new SourceSpec.Kubernetes(Optional.empty()))));
        assertTrue(e.getMessage().startsWith("--kubeconfig: " + kube.resolve("config") + " (from ~/.kube/config)"),
                e.getMessage());
    }

    @Test
    void kubeconfigVariableTakesTheFirstExistingFile() throws IOException {
        Path second = Files.writeString(tmp.resolve("second"), KUBECONFIG);
        assertDoesNotThrow(() -> checks(Map.of("KUBECONFIG", tmp.resolve("first") + ":" + second))
                .check(config(new SourceSpec.Kubernetes(Optional.empty()))));
        var e = assertThrows(IllegalArgumentException.class,
                () -> checks(Map.of("KUBECONFIG", tmp.resolve("first").toString()))
                        .check(config(new SourceSpec.Kubernetes(Optional.empty()))));
        assertTrue(e.getMessage().contains(tmp.resolve("first").toString()), e.getMessage());
    }

    @Test
    void cgroupRootIsNotCheckedWithoutSocketLb() {
        AgentConfig c = config(new SourceSpec.Directory(tmp));
        AgentConfig off = new AgentConfig(c.source(), c.nodeName(), c.bpffsRoot(), tmp.resolve("no-cgroup"), false,
                c.podDevices(), c.nodeDevices(), c.healthzBind(), c.metricsBind(), c.nodePortAddresses(), c.sync(), c.stateDir(),
                c.policyPendingDeny(), c.mapSizes());
        assertDoesNotThrow(() -> checks(Map.of()).check(off));
    }

    @Test
    void stateDirMustBeOrBecomeAWritableDirectoryWithTheKubernetesSource() throws IOException {
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), KUBECONFIG);
        Path file = Files.writeString(tmp.resolve("file"), "");
        for (Path ok : List.of(tmp, tmp.resolve("new/sub"))) {
            assertDoesNotThrow(() -> checks(Map.of()).check(withStateDir(config(new SourceSpec.Kubernetes(Optional.of(kubeconfig))), ok)));
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> checks(Map.of()).check(withStateDir(config(new SourceSpec.Kubernetes(Optional.of(kubeconfig))), file)));
        assertTrue(e.getMessage().equals("--state-dir: " + file + ": not a directory"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> checks(Map.of()).check(withStateDir(config(new SourceSpec.Kubernetes(Optional.of(kubeconfig))), file.resolve("x"))));
        assertTrue(e.getMessage().startsWith("--state-dir: " + file.resolve("x") + ": cannot be created"), e.getMessage());
        // a directory source keeps no snapshot: its state dir is not looked at
        assertDoesNotThrow(() -> checks(Map.of()).check(withStateDir(config(new SourceSpec.Directory(tmp)), file)));
    }

    private static AgentConfig withStateDir(AgentConfig c, Path stateDir) {
        return new AgentConfig(c.source(), c.nodeName(), c.bpffsRoot(), c.cgroupRoot(), c.socketLb(), c.podDevices(),
                c.nodeDevices(), c.healthzBind(), c.metricsBind(), c.nodePortAddresses(), c.sync(), stateDir,
                c.policyPendingDeny(), c.mapSizes());
    }

    @Test
    void mapSizesAreCheckedAndTheFlagIsNamed() {
        AgentConfig c = config(new SourceSpec.Directory(tmp));
        java.util.function.Function<dev.senda.maps.size.MapSizes, AgentConfig> with = sizes -> new AgentConfig(
                c.source(), c.nodeName(), c.bpffsRoot(), c.cgroupRoot(), true, c.podDevices(), c.nodeDevices(),
                c.healthzBind(), c.metricsBind(), c.nodePortAddresses(), c.sync(), c.stateDir(), c.policyPendingDeny(), sizes);
        long gib8 = 8L << 30;
        assertDoesNotThrow(() -> checks(Map.of()).check(with.apply(dev.senda.maps.size.MapSizes.resolve(gib8, 0.0025,
                Map.of(dev.senda.maps.size.MapSizeSetting.SERVICES, 64)))));
        var small = assertThrows(IllegalArgumentException.class, () -> checks(Map.of()).check(with.apply(
                dev.senda.maps.size.MapSizes.resolve(gib8, 0.0025, Map.of(dev.senda.maps.size.MapSizeSetting.BACKENDS, 0)))));
        assertEquals("--map-size-backends: 0 is not in 16..16777216", small.getMessage());
        // 4 Mi conntrack entries of ~160 bytes in two maps: 1.25 GiB, more than a quarter of 4 GiB
        var big = assertThrows(IllegalArgumentException.class, () -> checks(Map.of()).check(with.apply(
                dev.senda.maps.size.MapSizes.resolve(4L << 30, 0.0025,
                        Map.of(dev.senda.maps.size.MapSizeSetting.CONNTRACK, 1 << 22)))));
        assertTrue(big.getMessage().startsWith("--map-size-conntrack: the LRU maps would take"), big.getMessage());
    }

    private StartChecks checks(Map<String, String> env) {
        return new StartChecks(env::get, tmp.resolve("home"));
    }

    private AgentConfig config(SourceSpec source) {
        try {
            Path cgroup = Files.createDirectories(tmp.resolve("cgroup"));
            Files.writeString(cgroup.resolve("cgroup.controllers"), "");
            return new AgentConfig(source, "n", tmp.resolve("bpf"), cgroup, true, Optional.of("veth*"),
                    Optional.empty(), BindAddress.parse("--healthz-bind", "127.0.0.1:0"),
                    BindAddress.parse("--metrics-bind", "127.0.0.1:0"), NodePortAddresses.parse("primary"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
