package dev.senda.agent;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.Snapshot;
import dev.senda.model.TargetPort;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgrammedChangesTest {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    static Service service(String name, String ip) {
        return Service.clusterIp(new ObjectRef("default", name), ip,
                List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null)));
    }

    static EndpointSlice slice(String name, Instant trigger) {
        return new EndpointSlice(new ObjectRef("default", name), Map.of(EndpointSlice.SERVICE_NAME_LABEL, "web"),
                "web", "IPv4", List.of(), List.of(), Optional.ofNullable(trigger));
    }

    final ProgrammedChanges changes = new ProgrammedChanges(START);

    @Test
    void countsAddedChangedAndRemovedObjectsSinceTheLastProgrammedSnapshot() {
        ProgrammedChanges.Delta first = changes.programmed(Snapshot.of(
                List.of(service("a", "10.96.0.1"), service("b", "10.96.0.2")), List.of(slice("a-1", null))), START);
        assertEquals(new ProgrammedChanges.Delta(2, 1, List.of()), first);

        ProgrammedChanges.Delta same = changes.programmed(Snapshot.of(
                List.of(service("a", "10.96.0.1"), service("b", "10.96.0.2")), List.of(slice("a-1", null))), START);
        assertEquals(new ProgrammedChanges.Delta(0, 0, List.of()), same, "a periodic sync changes nothing");

        ProgrammedChanges.Delta next = changes.programmed(Snapshot.of(
                List.of(service("a", "10.96.0.9"), service("c", "10.96.0.3")), List.of()), START);
        assertEquals(new ProgrammedChanges.Delta(3, 1, List.of()), next, "a changed, b removed, c added; a-1 removed");
    }

    @Test
    void measuresEachNewTriggerTimeOnceFromTheTriggerToTheSyncEnd() {
        Instant t1 = START.plusSeconds(10);
        Instant end1 = t1.plusMillis(1500);
        assertEquals(List.of(Duration.ofMillis(1500)),
                changes.programmed(Snapshot.of(List.of(), List.of(slice("a-1", t1))), end1).latencies());
        assertEquals(List.of(), changes.programmed(Snapshot.of(List.of(), List.of(slice("a-1", t1))),
                end1.plusSeconds(60)).latencies(), "the same trigger is not measured again");

        Instant t2 = START.plusSeconds(100);
        assertEquals(List.of(Duration.ofMillis(250)), changes.programmed(
                Snapshot.of(List.of(), List.of(slice("a-1", t2))), t2.plusMillis(250)).latencies());
    }

    @Test
    void ignoresTriggersFromBeforeTheAgentStartedOrFromTheFuture() {
        Instant now = START.plusSeconds(30);
        assertEquals(List.of(), changes.programmed(Snapshot.of(List.of(),
                List.of(slice("old", START.minusSeconds(1)), slice("skewed", now.plusSeconds(5)))), now).latencies());
    }
}
