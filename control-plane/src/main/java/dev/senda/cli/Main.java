package dev.senda.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of every Senda command; {@code ./senda} dispatches here (except {@code demo}, which is
 * the testbed module's {@code dev.senda.testbed.DemoMain}: the agent never carries the testbed).
 */
@Command(name = "senda",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "eBPF Service load balancing for Kubernetes nodes (a kube-proxy replacement).",
        subcommands = {
                AgentCommand.class,
                BpfCommand.class,
                CleanupCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        quietFabric8Retries();
        System.exit(execute(args));
    }

    /**
     * fabric8 logs every failed list or watch retry with a stack trace at WARN (about one per kind and
     * second while the API server is away) and every WebSocket of a dropped connection it fails to close;
     * the source logs an outage once with its cause ({@code API watch lost}) and its end, so these go to
     * ERROR only. Set before slf4j starts; a -D on the command line wins.
     */
    private static void quietFabric8Retries() {
        String[][] levels = {
                {"io.fabric8.kubernetes.client.informers.impl.cache.Reflector", "error"},
                {"io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl", "error"},
                {"io.fabric8.kubernetes.client.dsl.internal.AbstractWatchManager", "warn"}}; // INFO with a trace per retry
        for (String[] level : levels) {
            String key = "org.slf4j.simpleLogger.log." + level[0];
            if (System.getProperty(key) == null) System.setProperty(key, level[1]);
        }
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        ErrorReporter errors = new ErrorReporter();
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        return cmd.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
