package dev.senda.cli;

import io.fabric8.kubernetes.client.Config;
import org.slf4j.LoggerFactory;

/**
 * Has fabric8 read a small kubeconfig on a thread of its own while the main thread is still parsing the
 * command line, for an agent given {@code --kubeconfig}.
 *
 * <p>Why: the first kubeconfig fabric8 reads costs a cold JVM 0.3-0.6 s (its serialization's set-up,
 * which scans the class path for every model class it may have to read), and the agent reads its
 * kubeconfig on the start thread before it loads the datapath: while the datapath waits. The command
 * line's own start runs on one core meanwhile, as {@link LibbpfWarmUp} explains. It is only a head
 * start: the agent reads its real kubeconfig at its step (waiting for this set-up if still under way,
 * never doing it twice), where a bad file is reported as always; here a failure is dropped. In a pod
 * (no kubeconfig: the service account's token) fabric8 reads no YAML, so nothing is warmed.
 */
final class KubeconfigWarmUp {
    /** Only the shape fabric8 reads; nothing is contacted. */
    private static final String SAMPLE = """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            users: [{name: u, user: {token: t}}]
            """;

    private KubeconfigWarmUp() {
    }

    /** Starts the warm-up when {@code args} (the agent's) name a kubeconfig. */
    static void startIfNamed(String[] args) {
        for (String a : args) {
            if (a.equals("--kubeconfig") || a.startsWith("--kubeconfig=")) {
                start();
                return;
            }
        }
    }

    private static void start() {
        Thread.ofPlatform().name("senda-kubeconfig-warmup").daemon().start(() -> {
            try {
                Config.fromKubeconfig(SAMPLE);
            } catch (RuntimeException | LinkageError e) {
                LoggerFactory.getLogger(KubeconfigWarmUp.class).debug("kubeconfig warm-up: {}", e.toString());
            }
        });
    }
}
