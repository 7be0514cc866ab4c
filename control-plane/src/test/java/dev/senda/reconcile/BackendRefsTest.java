package dev.senda.reconcile;

import dev.senda.desired.EndpointState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackendRefsTest {
    @Test
    void activeWhileAnyReferenceIsActive() {
        BackendRefs refs = new BackendRefs();
        refs.add(7, EndpointState.TERMINATING);
        assertEquals(EndpointState.TERMINATING, refs.state(7));
        assertThrows(IllegalStateException.class, () -> refs.remove(7, EndpointState.ACTIVE), "no active one to remove");
        assertEquals(EndpointState.TERMINATING, refs.state(7), "a refused removal changes nothing");
        refs.add(7, EndpointState.ACTIVE);
        assertEquals(EndpointState.ACTIVE, refs.state(7));
        refs.remove(7, EndpointState.ACTIVE);
        assertEquals(EndpointState.TERMINATING, refs.state(7));
        refs.remove(7, EndpointState.TERMINATING);
        assertNull(refs.state(7));
        assertEquals(0, refs.size());
        assertThrows(IllegalStateException.class, () -> refs.remove(7, EndpointState.ACTIVE));
        assertThrows(IllegalArgumentException.class, () -> refs.add(0, EndpointState.ACTIVE));
    }

    /**
     * Random adds and removes over few ids (many collisions in a small table, growth, removals from the
     * middle of probe runs, ids near 2^24) agree with a plain map of counts after every step.
     */
    @Test
    void agreesWithAMapOfCountsUnderRandomChanges() {
        Random random = new Random(20261206);
        for (int round = 0; round < 20; round++) {
            BackendRefs refs = new BackendRefs(2);
            Map<Integer, int[]> model = new HashMap<>();
            List<int[]> held = new ArrayList<>(); // {id, active}
            int range = 1 + random.nextInt(300);
            for (int step = 0; step < 4_000; step++) {
                if (held.isEmpty() || random.nextInt(3) > 0) {
                    int id = random.nextBoolean() ? 1 + random.nextInt(range) : (1 << 24) - 1 - random.nextInt(range);
                    boolean active = random.nextBoolean();
                    refs.add(id, active ? EndpointState.ACTIVE : EndpointState.TERMINATING);
                    int[] c = model.computeIfAbsent(id, k -> new int[2]);
                    c[0]++;
                    if (active) c[1]++;
                    held.add(new int[] {id, active ? 1 : 0});
                } else {
                    int[] h = held.remove(random.nextInt(held.size()));
                    refs.remove(h[0], h[1] == 1 ? EndpointState.ACTIVE : EndpointState.TERMINATING);
                    int[] c = model.get(h[0]);
                    c[0]--;
                    c[1] -= h[1];
                    if (c[0] == 0) model.remove(h[0]);
                }
                assertEquals(model.size(), refs.size(), "round " + round + " step " + step);
            }
            for (int id = 1; id <= range; id++) check(refs, model, id);
            for (int id = (1 << 24) - 1 - range; id < (1 << 24); id++) check(refs, model, id);
        }
    }

    private static void check(BackendRefs refs, Map<Integer, int[]> model, int id) {
        int[] c = model.get(id);
        EndpointState expected = c == null ? null : c[1] > 0 ? EndpointState.ACTIVE : EndpointState.TERMINATING;
        assertEquals(expected, refs.state(id), "id " + id);
    }
}
