package dev.senda.agent;

import java.nio.file.Path;
import java.util.Optional;

/** Where the agent takes Services and EndpointSlices from ({@code --source}). */
public sealed interface SourceSpec {

    /** The Kubernetes API server, through a kubeconfig file or the in-cluster config when none is given. */
    record Kubernetes(Optional<Path> kubeconfig) implements SourceSpec {
    }

    /** YAML files in a directory, watched for changes. */
    record Directory(Path directory) implements SourceSpec {
    }

    /**
     * Parses the {@code --source} flag: {@code kubernetes} (the default) or {@code dir:PATH}.
     *
     * @throws IllegalArgumentException naming the flag and the accepted forms
     */
    static SourceSpec parse(String text, Optional<Path> kubeconfig) {
        if (text == null || text.isEmpty() || text.equals("kubernetes")) {
            return new Kubernetes(kubeconfig);
        }
        if (text.startsWith("dir:") && text.length() > 4) {
            if (kubeconfig.isPresent()) {
                throw new IllegalArgumentException("--kubeconfig and --source " + text + " exclude each other");
            }
            return new Directory(Path.of(text.substring(4)));
        }
        throw new IllegalArgumentException("--source: expected 'kubernetes' or 'dir:PATH', got '" + text + "'");
    }
}
