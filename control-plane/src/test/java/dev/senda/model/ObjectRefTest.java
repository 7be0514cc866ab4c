package dev.senda.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ObjectRefTest {
    @Test
    void ordersByNamespaceThenNameWithTheClusterScopeFirst() {
        List<ObjectRef> sorted = List.of(new ObjectRef(null, "node-1"), new ObjectRef("", "node-2"),
                new ObjectRef("a", "z"), new ObjectRef("b", ""), new ObjectRef("b", "a"), new ObjectRef("b", "ab"),
                new ObjectRef("ba", "a"));
        List<ObjectRef> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(3));
        shuffled.sort(null);
        assertEquals(sorted, shuffled);
        assertEquals(0, new ObjectRef("ns", "n").compareTo(new ObjectRef("ns", "n")));
    }
}
