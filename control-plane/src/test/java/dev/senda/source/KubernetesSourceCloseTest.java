package dev.senda.source;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        reflector.addAppender(events);
        reflector.setLevel(Level.DEBUG);
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofPlatform().daemon().name("silent-api-server").start(() -> acceptSilently(silent, held));
            Path kubeconfig = kubeconfig(dir, silent.getLocalPort());
            KubernetesSource source = KubernetesSource.connect(kubeconfig,
                    new ApiWatchSettings(Duration.ofSeconds(30)));
            try {
                source.start(new ObjectStore(), () -> { });
                Poll.until(() -> !held.isEmpty(), "a list request reaches the silent API server", held::size);
            } finally {
                source.close();
            }
            // The lists in flight fail once the client is gone; fabric8 then asks the source whether to retry.
            Poll.until(() -> events.list.stream().anyMatch(e -> e.getFormattedMessage().contains(" failed for ")),
                    "fabric8 reports the lists that failed at the close", () -> events.list);
            List<String> errors = events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(List.of(), errors, "no ERROR for a close the agent asked for");
            assertTrue(events.list.stream().noneMatch(e -> e.getFormattedMessage().contains("will stop")), events.list::toString);
            acceptor.interrupt();
        } finally {
            reflector.detachAppender(events);
            reflector.setLevel(levelBefore);
            for (Socket s : held) s.close();
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

    private static Path kubeconfig(Path dir, int port) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: silent, cluster: {server: "http://127.0.0.1:%d"}}]
                contexts: [{name: x, context: {cluster: silent, user: u, namespace: default}}]
                current-context: x
                users: [{name: u, user: {}}]
                """.formatted(port));
        return file;
    }
}
