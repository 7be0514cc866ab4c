package dev.senda.cli;

import dev.senda.testbed.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code senda demo}: the agent on the example Services, in a small node made of network namespaces. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a node in network namespaces, run the agent on examples/, send traffic to a VIP, "
                + "change the endpoints, and clean up (needs root).")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--socket-lb", paramLabel = "true|false", defaultValue = "true", arity = "0..1",
            description = "socket LB (client in the agent's cgroup) or, with false, per-packet LB on tc "
                    + "(default: ${DEFAULT-VALUE})")
    boolean socketLb;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "30",
            description = "requests per measurement (default: ${DEFAULT-VALUE})")
    int requests;

    @Override
    public Integer call() throws Exception {
        Demo.Options defaults = Demo.Options.defaults();
        return new Demo(new Demo.Options(defaults.examplesDir(), socketLb, requests, defaults.workDir())).run(System.out);
    }
}
