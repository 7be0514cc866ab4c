package dev.senda.cli;

import dev.senda.agent.SourceSpec;
import dev.senda.desired.policy.PolicyCompiler;
import dev.senda.desired.policy.PolicyExplanation;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.DirectorySource;
import dev.senda.source.ObjectStore;
import dev.senda.source.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code senda policy ...}: NetworkPolicy as Senda compiles it. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "NetworkPolicy as Senda enforces it.",
        subcommands = PolicyCommand.Get.class)
public final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code senda policy get NAMESPACE/POD [-o json]}: reads the objects from the same {@code --source}
     * the agent uses, compiles the pod's policy with the agent's compiler and prints it with its reasons.
     * Needs no BPF maps and no privileges: what it prints is what the pod's node programs, given the same
     * objects.
     */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "What is enforced on a pod and why: isolation per direction with the policies "
                    + "causing it, each allowed peer prefix with its protocols/ports and the policy that "
                    + "allowed them, and rejected parts of those policies.")
    static final class Get implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAMESPACE/POD", description = "the pod")
        String pod;

        @Option(names = "--kubeconfig", paramLabel = "PATH",
                description = "kubeconfig of the API server (default: in-cluster config when running in a pod)")
        Path kubeconfig;

        @Option(names = "--source", paramLabel = "kubernetes|dir:PATH", defaultValue = "kubernetes",
                description = "where objects come from, as for the agent (default: ${DEFAULT-VALUE})")
        String source;

        @Option(names = DirectorySource.MAX_FILE_BYTES_FLAG, paramLabel = "BYTES",
                defaultValue = "" + DirectorySource.DEFAULT_MAX_FILE_BYTES,
                description = "with --source dir: the largest YAML file read (default: ${DEFAULT-VALUE})")
        long sourceMaxFileBytes;

        @Option(names = "--sync-timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "how long to wait for the source's initial state (default: ${DEFAULT-VALUE})")
        long syncTimeoutSeconds;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws InterruptedException {
            boolean json = output.json();
            ObjectRef ref = parsePod(pod);
            SourceSpec spec = SourceSpec.parse(source, Optional.ofNullable(kubeconfig), sourceMaxFileBytes);
            Snapshot snapshot = read(spec, Duration.ofSeconds(syncTimeoutSeconds));
            PolicyExplanation explanation = PolicyCompiler.explain(snapshot, ref)
                    .orElseThrow(() -> new IllegalArgumentException("no pod " + ref + " in " + source));
            PolicyListing listing = new PolicyListing(explanation);
            System.out.print(json ? listing.toJson() : listing.toTable());
            return 0;
        }

        static ObjectRef parsePod(String text) {
            int slash = text.indexOf('/');
            if (slash <= 0 || slash == text.length() - 1 || slash != text.lastIndexOf('/')) {
                throw new IllegalArgumentException("expected NAMESPACE/POD, got '" + text + "'");
            }
            return new ObjectRef(text.substring(0, slash), text.substring(slash + 1));
        }

        /** The source's complete initial state, or an error after {@code timeout}. */
        private static Snapshot read(SourceSpec spec, Duration timeout) throws InterruptedException {
            ObjectStore store = new ObjectStore();
            try (Source s = spec.create()) {
                s.start(store, () -> { });
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!s.hasSynced()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(s.describe() + ": no complete initial state within " + timeout.toSeconds()
                                + "s (is every kind readable? see deploy/rbac.yaml)");
                    }
                    Thread.sleep(50); // bounded by the deadline above
                }
                return store.snapshot();
            }
        }
    }
}
