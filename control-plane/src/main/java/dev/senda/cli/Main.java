package dev.senda.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;

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
                AutoComplete.GenerateCompletion.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("agent")) {
            LibbpfWarmUp.start();
            KubeconfigWarmUp.startIfNamed(args);
        }
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        VersionProvider.installEverywhere(cmd);
        ErrorReporter errors = new ErrorReporter();
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        String[] expanded;
        try {
            expanded = withConfigFile(cmd, args);
        } catch (CommandLine.ParameterException e) {
            return errors.handleParseException(e, args);
        }
        return cmd.execute(expanded);
    }

    /** {@code args} with the agent's {@code --config} file expanded into flags ({@link ConfigFileArgs}). */
    private static String[] withConfigFile(CommandLine cmd, String[] args) {
        if (args.length == 0 || !args[0].equals("agent")) return args;
        CommandLine agent = cmd.getSubcommands().get("agent");
        try {
            String[] expanded = ConfigFileArgs.expand(Arrays.copyOfRange(args, 1, args.length), agent.getCommandSpec());
            String[] all = new String[expanded.length + 1];
            all[0] = args[0];
            System.arraycopy(expanded, 0, all, 1, expanded.length);
            return all;
        } catch (IllegalArgumentException e) {
            // Reported as picocli reports a wrong flag, exit code included.
            throw new CommandLine.ParameterException(agent, e.getMessage(), e);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
