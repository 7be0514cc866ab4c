package dev.senda.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** Preconditions of privileged tests: they fail (never skip) when they cannot run. */
final class Privileged {
    private Privileged() {
    }

    /** Fails the test unless the JVM runs as root (network namespaces, cgroups and BPF need it). */
    static void requireRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String euid = line.split("\\s+")[2];
                    if (!euid.equals("0")) {
                        fail("privileged e2e test needs root (euid is " + euid + "); run ./senda test as root");
                    }
                    return;
                }
            }
        } catch (IOException e) {
            fail("cannot read /proc/self/status: " + e);
        }
        fail("no Uid line in /proc/self/status");
    }

    /** vm-tests/target/e2e/&lt;name&gt;: logs of servers, agents and clients, kept after the run. */
    static Path logDir(String name) {
        return Path.of("target", "e2e", name).toAbsolutePath();
    }
}
