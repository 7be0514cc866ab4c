package dev.senda.source;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.senda.test.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Closing the source while its first lists are still in flight (the agent does so when the verifier
 * rejects its datapath, or when it is stopped during its start) is a close the agent asked for: fabric8
 * must not log it as a failure. Against an "API server" that accepts connections and never answers, so
 * that every list is in flight at the close, whatever the timing.
 */
class KubernetesSourceCloseTest {
    private static final String REFLECTOR = "io.fabric8.kubernetes.client.informers.impl.cache.Reflector";

    @Test
    void closingWhileTheFirstListsAreInFlightLogsNoError(@TempDir Path dir) throws Exception {
        Logger reflector = (Logger) LoggerFactory.getLogger(REFLECTOR);
        Level levelBefore = reflector.getLevel();
        Events events = new Events();
        events.start();
        reflector.addAppender(events);
        reflector.setLevel(Level.DEBUG);
        List<Socket> held = new CopyOnWriteArrayList<>();
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = Thread.ofPlatform().daemon().name("silent-api-server").start(() -> acceptSilently(silent, held));
        try {
            KubernetesSource source = KubernetesSource.connect(kubeconfig(dir, silent),
                    new ApiWatchSettings(Duration.ofSeconds(30)));
            try {
                source.start(new ObjectStore(), () -> { });
                Poll.until(() -> held.size() >= Kinds.ALL.size(), "every kind's list reaches the silent API server",
                        held::size);
            } finally {
                source.close();
            }
            // Each list in flight fails once the client is gone, and fabric8 asks the source whether to retry.
            Poll.until(() -> events.withText(" failed for ").size() >= Kinds.ALL.size(),
                    "fabric8 reports every kind's list that failed at the close", events::texts);
            assertEquals(List.of(), events.atLeast(Level.ERROR), "no ERROR for a close the agent asked for");
        } finally {
            reflector.detachAppender(events);
            reflector.setLevel(levelBefore);
            silent.close();
            acceptor.join(Duration.ofSeconds(5));
            for (Socket s : held) s.close();
        }
    }

    /** The logger's events, kept for threads that read them while others append (fabric8's informers). */
    private static final class Events extends AppenderBase<ILoggingEvent> {
        private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }

        List<String> texts() {
            return events.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }

        List<String> withText(String part) {
            return texts().stream().filter(t -> t.contains(part)).toList();
        }

        List<String> atLeast(Level level) {
            return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    /** Accepts connections and holds them open, reading nothing and answering nothing, until closed. */
    private static void acceptSilently(ServerSocket server, List<Socket> held) {
        for (int i = 0; i < 64; i++) {
            try {
                held.add(server.accept());
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static Path kubeconfig(Path dir, ServerSocket server) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: silent, cluster: {server: "http://127.0.0.1:%d"}}]
                contexts: [{name: x, context: {cluster: silent, user: u, namespace: default}}]
                current-context: x
                users: [{name: u, user: {}}]
                """.formatted(server.getLocalPort()));
        return file;
    }
}
