package dev.senda.e2e;

import dev.senda.maps.features.Capabilities;

import java.nio.file.Path;

/** Preconditions of privileged tests: they fail (never skip) when they cannot run. */
final class Privileged {
    private Privileged() {
    }

    /**
     * Fails the test unless this JVM holds the capabilities the datapath needs (network namespaces,
     * cgroups and BPF need them too): run ./senda test as root.
     */
    static void requireRoot() {
        Capabilities.ofThisProcess().requireForDatapath("this privileged e2e test");
    }

    /** vm-tests/target/e2e/&lt;name&gt;: logs of servers, agents and clients, kept after the run. */
    static Path logDir(String name) {
        return Path.of("target", "e2e", name).toAbsolutePath();
    }
}
