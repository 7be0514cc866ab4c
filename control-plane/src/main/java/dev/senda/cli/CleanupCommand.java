package dev.senda.cli;

import dev.senda.datapath.Cleanup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code senda cleanup}: take Senda out of the kernel of this node. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Detach every program and remove every pin Senda made (stop the agent first).")
public final class CleanupCommand implements Callable<Integer> {
    @Option(names = "--bpffs-root", paramLabel = "DIR", defaultValue = "/sys/fs/bpf/senda",
            description = "where the agent pinned its maps and links (default: ${DEFAULT-VALUE})")
    Path bpffsRoot;

    @Option(names = "--cgroup-root", paramLabel = "DIR",
            description = "cgroup v2 directory socket LB was attached to (checked to exist; the links pinned "
                    + "under --bpffs-root say what to detach)")
    Path cgroupRoot;

    @Override
    public Integer call() {
        if (cgroupRoot != null && !Files.isDirectory(cgroupRoot)) {
            throw new IllegalArgumentException("--cgroup-root " + cgroupRoot + " is not a directory");
        }
        Cleanup.Report report = Cleanup.run(bpffsRoot);
        report.detached().forEach(d -> System.out.println("detached " + d));
        System.out.println("removed " + report.removedPins().size() + " map pins under " + bpffsRoot);
        if (!report.leftAlone().isEmpty()) {
            System.out.println("left alone (not Senda's): " + String.join(", ", report.leftAlone()));
        }
        return 0;
    }
}
