package dev.senda.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of every Senda command; {@code ./senda} dispatches here (except {@code demo}, which is
 * the testbed module's {@code dev.senda.testbed.DemoMain}: the agent never carries the testbed).
 */
@Command(name = "senda",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "eBPF Service load balancing for Kubernetes nodes (a kube-proxy replacement).")
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. A command line that names one of the first four
     * gets that one only ({@link #commandLine}); any other (no command, help, completion, a wrong name)
     * gets them all.
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            AgentCommand.class,
            BpfCommand.class,
            CleanupCommand.class,
            PolicyCommand.class,
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class);
    /** The subcommands that need no sibling: help and completion describe the whole tree. */
    private static final List<Class<?>> STANDALONE = SUBCOMMANDS.subList(0, 4);

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("agent")) {
            LibbpfWarmUp.start();
            KubeconfigWarmUp.startIfNamed(args);
        }
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cmd = commandLine(args);
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

    /**
     * The command tree for {@code args}: the root and the subcommand {@code args[0]} names, or every
     * subcommand. Why not always all: picocli builds a command's model from its annotations by
     * reflection, and the five commands an agent start never runs cost it 45-70 ms of the thread its start
     * waits for (the agent's own model about 0.1 s), before the agent begins reading its source.
     */
    public static CommandLine commandLine(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        String named = args.length > 0 ? args[0] : "";
        List<Class<?>> only = STANDALONE.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(named)).toList();
        // as a CommandLine: picocli applies a command's model transformer (the agent's map-size flags) when
        // it builds one, not when it is handed a class
        for (Class<?> sub : only.isEmpty() ? SUBCOMMANDS : only) cmd.addSubcommand(new CommandLine(sub));
        return cmd;
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

    /** This command in the tree {@link #commandLine} made: its usage lists the subcommands of that tree. */
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
