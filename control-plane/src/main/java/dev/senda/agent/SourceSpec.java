package dev.senda.agent;

import dev.senda.source.ApiWatchSettings;
import dev.senda.source.DirectorySource;
import dev.senda.source.KubernetesSource;
import dev.senda.source.Source;

import java.time.Duration;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Where the agent (and {@code senda policy get}) takes its objects from ({@code --source}). */
public sealed interface SourceSpec {

    /** A new, not yet started source of this kind (a Kubernetes one connects its client here). */
    default Source create() {
        return switch (this) {
            case Directory d -> new DirectorySource(d.directory(), DirectorySource.DEFAULT_RESCAN_INTERVAL, d.maxFileBytes());
            case Kubernetes k -> KubernetesSource.connect(k.kubeconfig().orElse(null), new ApiWatchSettings(k.apiIdleTimeout()));
        };
    }

    /**
     * The Kubernetes API server, through a kubeconfig file or the in-cluster config when none is given.
     *
     * @param apiIdleTimeout how long a silent watch is trusted before it is probed
     *                       ({@value ApiWatchSettings#FLAG}; its range is checked by {@link StartChecks})
     */
    record Kubernetes(Optional<Path> kubeconfig, Duration apiIdleTimeout) implements SourceSpec {
        public Kubernetes {
            Objects.requireNonNull(kubeconfig, "kubeconfig");
            Objects.requireNonNull(apiIdleTimeout, "apiIdleTimeout");
        }

        /** With the default idle bound. */
        public Kubernetes(Optional<Path> kubeconfig) {
            this(kubeconfig, ApiWatchSettings.DEFAULT_IDLE_TIMEOUT);
        }
    }

    /**
     * YAML files in a directory, watched for changes.
     *
     * @param maxFileBytes files above this are refused ({@value DirectorySource#MAX_FILE_BYTES_FLAG})
     */
    record Directory(Path directory, long maxFileBytes) implements SourceSpec {
        public Directory {
            Objects.requireNonNull(directory, "directory");
            if (maxFileBytes < 1) {
                throw new IllegalArgumentException(DirectorySource.MAX_FILE_BYTES_FLAG + " must be at least 1, got "
                        + maxFileBytes);
            }
        }

        /** With the default bound on file size. */
        public Directory(Path directory) {
            this(directory, DirectorySource.DEFAULT_MAX_FILE_BYTES);
        }
    }

    /** As {@link #parse(String, Optional, long)} with the default file-size bound. */
    static SourceSpec parse(String text, Optional<Path> kubeconfig) {
        return parse(text, kubeconfig, DirectorySource.DEFAULT_MAX_FILE_BYTES);
    }

    /**
     * Parses the {@code --source} flag: {@code kubernetes} (the default) or {@code dir:PATH}.
     *
     * @param maxFileBytes {@value DirectorySource#MAX_FILE_BYTES_FLAG}; used by {@code dir:} only
     * @throws IllegalArgumentException naming the flag and the accepted forms
     */
    static SourceSpec parse(String text, Optional<Path> kubeconfig, long maxFileBytes) {
        return parse(text, kubeconfig, maxFileBytes, ApiWatchSettings.DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * As {@link #parse(String, Optional, long)}, with {@value ApiWatchSettings#FLAG} for the API server.
     */
    static SourceSpec parse(String text, Optional<Path> kubeconfig, long maxFileBytes, Duration apiIdleTimeout) {
        if (text == null || text.isEmpty() || text.equals("kubernetes")) {
            return new Kubernetes(kubeconfig, apiIdleTimeout);
        }
        if (text.startsWith("dir:") && text.length() > 4) {
            if (kubeconfig.isPresent()) {
                throw new IllegalArgumentException("--kubeconfig and --source " + text + " exclude each other");
            }
            return new Directory(Path.of(text.substring(4)), maxFileBytes);
        }
        throw new IllegalArgumentException("--source: expected 'kubernetes' or 'dir:PATH', got '" + text + "'");
    }
}
