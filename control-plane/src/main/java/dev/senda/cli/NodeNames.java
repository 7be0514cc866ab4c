package dev.senda.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves this node's name: the flag, else $NODE_NAME (set by the DaemonSet), else the host name. */
final class NodeNames {
    private NodeNames() {
    }

    static String resolve(String flag) {
        if (flag != null && !flag.isBlank()) return flag;
        String env = System.getenv("NODE_NAME");
        if (env != null && !env.isBlank()) return env;
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("--node-name not given and the host name cannot be read", e);
        }
    }
}
