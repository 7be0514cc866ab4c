package dev.senda.cli;

import dev.senda.maps.libbpf.Libbpf;
import org.slf4j.LoggerFactory;

/**
 * Loads libbpf and binds the JVM's foreign-function machinery to it on a thread of its own while the
 * main thread is still parsing the command line, for the agent only.
 *
 * <p>Why: the first downcall into libbpf costs a cold JVM about 0.3-0.45 s (the foreign linker's
 * classes, generated method handles, the log callback's upcall stub), and the agent's start needs it
 * first thing after the command line: probing the kernel's features. The command line's own start
 * (picocli's model of the agent command, logging) runs on one core meanwhile, so the warm-up costs no
 * time on a node with two or more. It is only a head start: {@link Libbpf#ensureAvailable()} is
 * idempotent and the agent calls it again at its step, where a failure (no libbpf on the node) is
 * reported as always; here a failure is dropped.
 */
final class LibbpfWarmUp {
    private LibbpfWarmUp() {
    }

    static void start() {
        Thread.ofPlatform().name("senda-libbpf-warmup").daemon().start(() -> {
            try {
                Libbpf.ensureAvailable();
            } catch (RuntimeException | LinkageError e) {
                LoggerFactory.getLogger(LibbpfWarmUp.class).debug("libbpf warm-up: {}", e.toString());
            }
        });
    }
}
