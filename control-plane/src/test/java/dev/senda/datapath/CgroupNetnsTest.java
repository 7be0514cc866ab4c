package dev.senda.datapath;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The namespaces of a cgroup subtree's processes, over a fake cgroup tree and procfs. */
class CgroupNetnsTest {
    @TempDir
    Path tmp;

    private void process(Path proc, int pid, String netns) throws IOException {
        Path ns = Files.createDirectories(proc.resolve(Integer.toString(pid)).resolve("ns"));
        Files.createSymbolicLink(ns.resolve("net"), Path.of(netns));
    }

    @Test
    void oneEntryPerNamespaceFirstProcessFirstAndExitedProcessesSkipped() throws IOException {
        Path cg = Files.createDirectories(tmp.resolve("cg"));
        Path pod = Files.createDirectories(cg.resolve("pod-a"));
        Files.writeString(cg.resolve("cgroup.procs"), "10\n11\n");
        Files.writeString(pod.resolve("cgroup.procs"), "20\n21\n99\n"); // 99 exited
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        process(proc, 10, "net:[1]");
        process(proc, 11, "net:[1]");
        process(proc, 20, "net:[2]");
        process(proc, 21, "net:[1]");

        List<Path> ns = new CgroupNetns(cg, proc).namespaces();

        assertEquals(List.of(proc.resolve("10/ns/net"), proc.resolve("20/ns/net")), ns);
    }

    @Test
    void processesOfAnotherPidNamespaceAreSkipped() throws IOException {
        // cgroup.procs read from a PID namespace shows 0 for every process outside it
        Path cg = Files.createDirectories(tmp.resolve("cg"));
        Files.writeString(cg.resolve("cgroup.procs"), "0\n0\n12\n");
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        process(proc, 12, "net:[3]");

        assertEquals(List.of(proc.resolve("12/ns/net")), new CgroupNetns(cg, proc).namespaces());
    }
}
