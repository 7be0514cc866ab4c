package dev.senda.agent;

import dev.senda.reconcile.RestoreResult;
import dev.senda.source.Kinds;
import dev.senda.source.snapshot.ObjectJson;
import dev.senda.source.snapshot.SnapshotContent;
import dev.senda.source.snapshot.SnapshotStore;
import dev.senda.test.Poll;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the agent uses the snapshot at start, and when it writes one. */
class InputSnapshotsTest {
    @TempDir
    Path tmp;

    private static HasMetadata service(String name) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withClusterIP("10.96.0.1").endSpec().build();
    }

    /** What the Kubernetes source hands over: each object's snapshot JSON. */
    private static List<ObjectJson> json(List<HasMetadata> objects) {
        return objects.stream().map(o -> ObjectJson.of(SnapshotContent.objectJson(o))).toList();
    }

    @Test
    void theSnapshotIsProgrammedAtStartOnlyWhenThePinnedMapsAreEmpty() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        store.write(Instant.parse("2026-12-06T00:00:00Z"), List.of(service("web")));
        Optional<SnapshotContent.Decoded> afterReboot = InputSnapshots.forStart(store, new RestoreResult(0, 0, 0, 0), Kinds.ALL);
        assertEquals(1, afterReboot.orElseThrow().inputs().all(Kinds.SERVICE).size());
        assertTrue(InputSnapshots.forStart(store, new RestoreResult(1, 0, 1, 1), Kinds.ALL).isEmpty(),
                "an agent restart with pins in place is already forwarding: it must not roll the maps back");
        assertTrue(InputSnapshots.forStart(store, new RestoreResult(0, 3, 0, 0), Kinds.ALL).isEmpty());
        assertTrue(InputSnapshots.forStart(new SnapshotStore(tmp.resolve("none")), new RestoreResult(0, 0, 0, 0), Kinds.ALL).isEmpty());
    }

    @Test
    void writesOnlyWhenTheGenerationMovedCoalescedAndOnceMoreAtClose() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        AtomicLong generation = new AtomicLong(1);
        AtomicReference<List<HasMetadata>> objects = new AtomicReference<>(List.of(service("a")));
        // an interval no test run reaches: the second write can only come from close()
        InputSnapshots snapshots = new InputSnapshots(store, () -> Optional.of(json(objects.get())), generation::get, Duration.ofHours(1));
        try {
            snapshots.applied();
            Poll.until(Duration.ofSeconds(10), () -> snapshots.writes() == 1, () -> "the first write");
            assertEquals(List.of("a"), names(store));

            snapshots.applied(); // same generation: nothing due
            for (int i = 0; i < 50; i++) { // a burst of changes: one write due, held back by the interval
                generation.incrementAndGet();
                objects.set(List.of(service("a"), service("b" + i)));
                snapshots.applied();
            }
            assertEquals(1, snapshots.writes(), "a write inside the interval");
        } finally {
            snapshots.close();
        }
        assertEquals(2, snapshots.writes(), "close() writes what was due");
        assertEquals(List.of("a", "b49"), names(store));
    }

    @Test
    void closeWritesNothingWhenNothingIsDue() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        InputSnapshots snapshots = new InputSnapshots(store, () -> Optional.of(json(List.of(service("a")))), () -> 5, Duration.ofHours(1));
        snapshots.close();
        assertEquals(0, snapshots.writes());
        assertFalse(Files.exists(store.file()));
    }

    @Test
    void nothingIsWrittenWhileTheSourceHasNoObjectsToGive() throws Exception {
        SnapshotStore store = new SnapshotStore(tmp);
        InputSnapshots snapshots = new InputSnapshots(store, Optional::empty, () -> 1, Duration.ofHours(1));
        snapshots.applied();
        snapshots.close();
        assertEquals(0, snapshots.writes());
        assertFalse(Files.exists(store.file()));
    }

    private static List<String> names(SnapshotStore store) {
        return store.load(Kinds.ALL).orElseThrow().inputs().all(Kinds.SERVICE).keySet().stream()
                .map(dev.senda.model.ObjectRef::name).toList();
    }
}
