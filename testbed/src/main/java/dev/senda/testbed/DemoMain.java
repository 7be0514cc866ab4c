package dev.senda.testbed;

import dev.senda.cli.ErrorReporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code senda demo}: the launcher runs this class (from the testbed module's class path, which
 * holds the control plane too) instead of the agent's {@code dev.senda.cli.Main}, so the agent
 * itself never carries the testbed.
 */
@Command(name = "senda demo",
        description = "Build a node in network namespaces, run the agent on examples/, send traffic to the "
                + "dual-stack Service's cluster IPs, change the endpoints, and clean up (needs root).")
public final class DemoMain implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--socket-lb", paramLabel = "true|false", defaultValue = "true", arity = "0..1",
            description = "socket LB (client in the agent's cgroup) or, with false, per-packet LB on tc "
                    + "(default: ${DEFAULT-VALUE})")
    boolean socketLb;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "30",
            description = "requests per measurement (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--ipv6", paramLabel = "auto|require|skip", defaultValue = Demo.IPV6_DEFAULT,
            converter = Ipv6Converter.class,
            description = "traffic to the Service's IPv6 cluster IP: auto counts it only where the agent programmed "
                    + "it (and says so otherwise), require fails the demo unless it answers, skip sends none "
                    + "(default: ${DEFAULT-VALUE})")
    Demo.Ipv6 ipv6;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (2 for a usage error, 1 when the demo failed). */
    public static int execute(String... args) {
        return new CommandLine(new DemoMain())
                .setExecutionExceptionHandler(new ErrorReporter())
                .execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Demo.Options defaults = Demo.Options.defaults();
        return new Demo(new Demo.Options(defaults.examplesDir(), socketLb, requests, defaults.workDir(), ipv6)).run(System.out);
    }

    /** {@code --ipv6} in any case. */
    static final class Ipv6Converter implements CommandLine.ITypeConverter<Demo.Ipv6> {
        @Override
        public Demo.Ipv6 convert(String value) {
            try {
                return Demo.Ipv6.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not auto, require or skip");
            }
        }
    }
}
