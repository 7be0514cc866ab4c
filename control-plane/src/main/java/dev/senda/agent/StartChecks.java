package dev.senda.agent;

import dev.senda.source.ApiWatchSettings;
import dev.senda.source.KubernetesSource;
import dev.senda.maps.size.MapSizes;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Checks of an {@link AgentConfig} against the file system and the environment, run before the agent
 * loads, pins or binds anything, so a wrong setting costs nothing to undo: the agent stops with the
 * flag's name instead of leaving pins behind. What {@link AgentConfig} and its parsers check (syntax) is
 * not repeated here; this covers what only the running node can tell (a path exists, a file parses).
 *
 * <p>Not checked: whether a port is free or a kernel feature is there; those are found when used.
 *
 * @param env  the process environment (tests pass their own)
 * @param home the user's home directory, for {@code ~/.kube/config}
 */
public record StartChecks(UnaryOperator<String> env, Path home) {
    public StartChecks {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(home, "home");
    }

    /** Against this process's environment and home directory. */
    public static StartChecks ofProcess() {
        return new StartChecks(System::getenv, Path.of(System.getProperty("user.home", "/root")));
    }

    /**
     * @throws IllegalArgumentException with a message starting with the flag's name, for the first
     *                                  setting that cannot work
     */
    public void check(AgentConfig config) {
        switch (config.source()) {
            case SourceSpec.Directory d -> checkDirectory(d.directory());
            case SourceSpec.Kubernetes k -> {
                checkKubernetes(k.kubeconfig());
                String problem = ApiWatchSettings.problem(k.apiIdleTimeout());
                if (problem != null) throw new IllegalArgumentException(problem);
            }
        }
        // Only the Kubernetes source keeps a snapshot (a directory's files are on the node's disk already).
        if (config.source() instanceof SourceSpec.Kubernetes) checkStateDir(config.stateDir());
        checkBpffsRoot(config.bpffsRoot());
        if (config.socketLb()) checkCgroupRoot(config.cgroupRoot());
        config.podDevices().ifPresent(g -> checkGlob("--pod-devices", g));
        config.nodeDevices().ifPresent(g -> checkGlob("--node-devices", g));
        checkMapSizes(config.mapSizes());
    }

    /** Sizes in range, and LRU maps (allocated whole at creation) within a quarter of the node's memory. */
    private static void checkMapSizes(MapSizes sizes) {
        List<String> problems = sizes.problems();
        if (!problems.isEmpty()) throw new IllegalArgumentException(problems.getFirst());
    }

    private static void checkDirectory(Path dir) {
        if (!Files.exists(dir)) throw invalid("--source", "dir:" + dir + ": no such directory");
        if (!Files.isDirectory(dir)) throw invalid("--source", "dir:" + dir + ": not a directory");
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw invalid("--source", "dir:" + dir + ": directory not readable");
        }
    }

    /**
     * As {@link KubernetesSource#connect}: the given file; else, as fabric8's automatic configuration,
     * the first existing file of $KUBECONFIG (or ~/.kube/config when unset), else the in-cluster config
     * when KUBERNETES_SERVICE_HOST is set. Without any of them the client would retry a default server
     * address forever, so that is refused too.
     */
    private void checkKubernetes(Optional<Path> kubeconfig) {
        if (kubeconfig.isPresent()) {
            checkKubeconfigFile(kubeconfig.get(), "");
            return;
        }
        String listed = env.apply("KUBECONFIG");
        List<Path> candidates = listed != null && !listed.isBlank()
                ? Arrays.stream(listed.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList()
                : List.of(home.resolve(".kube/config"));
        Optional<Path> found = candidates.stream().filter(Files::exists).findFirst();
        if (found.isPresent()) {
            checkKubeconfigFile(found.get(), " (from " + (listed != null && !listed.isBlank() ? "$KUBECONFIG" : "~/.kube/config") + ")");
            return;
        }
        String host = env.apply("KUBERNETES_SERVICE_HOST");
        if (host == null || host.isBlank()) {
            throw invalid("--kubeconfig", "not given, not in a pod (KUBERNETES_SERVICE_HOST unset), and no kubeconfig at "
                    + candidates.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("(none)")
                    + "; pass --kubeconfig PATH or --source dir:PATH");
        }
    }

    private static void checkKubeconfigFile(Path file, String origin) {
        if (!Files.isRegularFile(file)) throw invalid("--kubeconfig", file + origin + ": no such file");
        if (!Files.isReadable(file)) throw invalid("--kubeconfig", file + origin + ": not readable");
        try {
            KubernetesSource.readKubeconfig(file);
        } catch (RuntimeException e) {
            throw invalid("--kubeconfig", file + origin + ": " + e.getMessage());
        }
    }

    /** The root is created (and bpffs mounted) by the datapath; here only: it can be. */
    private static void checkBpffsRoot(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw invalid("--bpffs-root", abs + ": not a directory");
            return;
        }
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) {
            throw invalid("--bpffs-root", abs + ": cannot be created (" + existing + " is not a directory)");
        }
    }

    /** The snapshot's directory: a writable directory, or one that can be created under a writable one. */
    private static void checkStateDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw invalid("--state-dir", abs + ": not a directory");
            if (!Files.isWritable(abs) || !Files.isExecutable(abs)) throw invalid("--state-dir", abs + ": not writable");
            return;
        }
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw invalid("--state-dir", abs + ": cannot be created (" + existing + " is not a writable directory)");
        }
    }

    private static void checkCgroupRoot(Path root) {
        if (!Files.isDirectory(root)) throw invalid("--cgroup-root", root + ": no such directory");
        if (!Files.exists(root.resolve("cgroup.controllers"))) {
            throw invalid("--cgroup-root", root + ": not a cgroup v2 directory (no cgroup.controllers)");
        }
    }

    private static void checkGlob(String flag, String glob) {
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (RuntimeException e) {
            throw invalid(flag, "invalid glob '" + glob + "': " + e.getMessage());
        }
    }

    private static IllegalArgumentException invalid(String flag, String why) {
        return new IllegalArgumentException(flag + ": " + why);
    }
}
