package dev.senda.deploy;

import dev.senda.agent.BindAddress;
import dev.senda.agent.HealthServer;
import dev.senda.agent.HealthState;
import dev.senda.maps.features.Capabilities;
import dev.senda.source.Kind;
import dev.senda.source.Kinds;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests in {@code deploy/} against the code they install: each fails when one side changes
 * without the other (a kind added to {@link Kinds} without its RBAC rule, a capability required by
 * {@link Capabilities} without the DaemonSet granting it, a mount or probe that no flag or path backs).
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Set<String> READ_ONLY = Set.of("get", "list", "watch");

    /** Every document of every file the kustomization lists, as its fabric8 type. */
    static List<HasMetadata> objects() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (String file : kustomizationResources()) {
            for (String doc : Files.readString(DEPLOY.resolve(file)).split("(?m)^---\\s*$")) {
                if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) continue;
                objects.add(SERIALIZATION.unmarshal(doc));
            }
        }
        return objects;
    }

    static List<String> kustomizationResources() throws IOException {
        Map<?, ?> kustomization = SERIALIZATION.unmarshal(Files.readString(DEPLOY.resolve("kustomization.yaml")), Map.class);
        return ((List<?>) kustomization.get("resources")).stream().map(String.class::cast).toList();
    }

    static <T extends HasMetadata> T only(Class<T> type) throws IOException {
        List<T> found = objects().stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "one " + type.getSimpleName() + " in deploy/");
        return found.getFirst();
    }

    static Container agent() throws IOException {
        List<Container> containers = only(DaemonSet.class).getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size(), "the agent is the only container");
        return containers.getFirst();
    }

    /** The value of {@code --flag=value} among the agent's args. */
    static Optional<String> arg(String flag) throws IOException {
        return agent().getArgs().stream().filter(a -> a.startsWith(flag + "=")).map(a -> a.substring(flag.length() + 1))
                .reduce((a, b) -> {
                    throw new AssertionError(flag + " given twice");
                });
    }

    @Test
    void theKustomizeBaseListsEveryManifestAndEachParsesIntoItsKubernetesType() throws IOException {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            Set<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).collect(Collectors.toSet());
            assertEquals(manifests, Set.copyOf(kustomizationResources()));
        }
        Set<Class<?>> types = objects().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(ServiceAccount.class, ClusterRole.class, ClusterRoleBinding.class, DaemonSet.class), types);
    }

    @Test
    void theContainerGetsExactlyTheCapabilitiesTheDatapathRequiresAndIsNotPrivileged() throws IOException {
        var security = agent().getSecurityContext();
        Set<String> required = Stream.concat(Capabilities.REQUIRED_FOR_DATAPATH.stream(), Capabilities.FOR_POD_NAMESPACES.stream())
                .map(Capabilities.Cap::name).collect(Collectors.toSet());
        assertEquals(required, Set.copyOf(security.getCapabilities().getAdd()));
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertEquals(Boolean.FALSE, security.getPrivileged());
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation());
    }

    @Test
    void theClusterRoleGrantsGetListWatchOnExactlyTheKindsTheAgentReads() throws IOException {
        Set<String> granted = new HashSet<>();
        for (PolicyRule rule : only(ClusterRole.class).getRules()) {
            assertEquals(READ_ONLY, Set.copyOf(rule.getVerbs()), "verbs of " + rule);
            assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty(), "no resourceNames: " + rule);
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    assertTrue(granted.add(group + "/" + resource), "granted twice: " + group + "/" + resource);
                }
            }
        }
        Set<String> read = new HashSet<>();
        for (Kind<?, ?> kind : Kinds.ALL) {
            read.add(Objects.requireNonNullElse(HasMetadata.getGroup(kind.apiType()), "") + "/"
                    + HasMetadata.getPlural(kind.apiType()));
        }
        assertEquals(read, granted);
    }

    @Test
    void theRoleIsBoundToTheServiceAccountTheDaemonSetRunsAs() throws IOException {
        ServiceAccount account = only(ServiceAccount.class);
        ClusterRoleBinding binding = only(ClusterRoleBinding.class);
        DaemonSet daemonSet = only(DaemonSet.class);
        assertEquals(only(ClusterRole.class).getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals("ClusterRole", binding.getRoleRef().getKind());
        assertEquals(1, binding.getSubjects().size());
        assertEquals("ServiceAccount", binding.getSubjects().getFirst().getKind());
        assertEquals(account.getMetadata().getName(), binding.getSubjects().getFirst().getName());
        assertEquals(account.getMetadata().getNamespace(), binding.getSubjects().getFirst().getNamespace());
        assertEquals(account.getMetadata().getNamespace(), daemonSet.getMetadata().getNamespace());
        assertEquals(account.getMetadata().getName(), daemonSet.getSpec().getTemplate().getSpec().getServiceAccountName());
    }

    @Test
    void bpffsRootCgroupRootAndStateDirLieOnTheHostsMounts() throws IOException {
        assertHostMount(Path.of(arg("--bpffs-root").orElseThrow()), "/sys/fs/bpf");
        assertHostMount(Path.of(arg("--cgroup-root").orElseThrow()), "/sys/fs/cgroup");
        // the snapshot programmed after a reboot must be on the host's disk, not in the container's layer
        assertHostMount(Path.of(arg("--state-dir").orElseThrow()), "/var/lib/senda");
    }

    /** {@code dir} is, or lies under, a mount of the host's {@code hostPath}. */
    private static void assertHostMount(Path dir, String hostPath) throws IOException {
        List<Volume> volumes = only(DaemonSet.class).getSpec().getTemplate().getSpec().getVolumes();
        VolumeMount mount = agent().getVolumeMounts().stream()
                .filter(m -> dir.startsWith(Path.of(m.getMountPath())))
                .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()))
                .orElseThrow(() -> new AssertionError("no volume mounted over " + dir));
        Volume volume = volumes.stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertEquals(hostPath, volume.getHostPath().getPath(), dir + " is on volume " + volume.getName());
        assertFalse(Boolean.TRUE.equals(mount.getReadOnly()), dir + " is written to");
        // Bidirectional propagation is refused for unprivileged containers.
        assertNotEquals("Bidirectional", mount.getMountPropagation());
    }

    @Test
    void probesAskTheHealthServersPathsOnItsPort() throws Exception {
        Container agent = agent();
        int port = BindAddress.parse("--healthz-bind", arg("--healthz-bind").orElse(HealthServer.DEFAULT_BIND)).port();
        assertEquals(BindAddress.parse("--healthz-bind", HealthServer.DEFAULT_BIND).port(), port, "kube-proxy's port");
        HTTPGetAction liveness = agent.getLivenessProbe().getHttpGet();
        HTTPGetAction readiness = agent.getReadinessProbe().getHttpGet();
        assertEquals("/livez", liveness.getPath());
        assertEquals("/healthz", readiness.getPath());
        assertEquals(port, liveness.getPort().getIntVal());
        assertEquals(port, readiness.getPort().getIntVal());

        // The paths are ones the health server answers (200 or 503), not 404.
        HealthState state = new HealthState(Duration.ofSeconds(120), Clock.systemUTC());
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HealthServer server = HealthServer.start(BindAddress.parse("--healthz-bind", "127.0.0.1:0"), state);
            try {
                for (String path : List.of(liveness.getPath(), readiness.getPath())) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + server.port() + path))
                            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    assertTrue(r.statusCode() == 200 || r.statusCode() == 503, path + " answered " + r.statusCode());
                }
            } finally {
                server.close();
            }
        }
    }

    @Test
    void aNodeAgentOnEveryNodeThatNamesItsNode() throws IOException {
        DaemonSet daemonSet = only(DaemonSet.class);
        var pod = daemonSet.getSpec().getTemplate().getSpec();
        assertEquals(Boolean.TRUE, pod.getHostNetwork());
        assertEquals(Boolean.TRUE, pod.getHostPID(), "the pods' network namespaces are found through host PIDs (CgroupNetns)");
        assertEquals("system-node-critical", pod.getPriorityClassName());
        assertTrue(pod.getTolerations().stream().anyMatch(t -> "Exists".equals(t.getOperator())
                && t.getKey() == null && t.getEffect() == null), "tolerates every taint");
        assertEquals("RollingUpdate", daemonSet.getSpec().getUpdateStrategy().getType());

        assertEquals("$(NODE_NAME)", arg("--node-name").orElseThrow());
        var env = agent().getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst().orElseThrow();
        assertEquals("spec.nodeName", env.getValueFrom().getFieldRef().getFieldPath());
        assertEquals("kubernetes", arg("--source").orElseThrow());
        assertTrue(arg("--node-devices").isPresent(), "NodePort traffic from outside needs --node-devices");
    }
}
