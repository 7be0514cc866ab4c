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
                PolicyCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
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
