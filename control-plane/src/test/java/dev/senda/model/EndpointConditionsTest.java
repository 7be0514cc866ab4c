package dev.senda.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class EndpointConditionsTest {
    @Test
    void sharedInstancesEqualTheConditionsAsGivenForEveryCombination() {
        Boolean[] values = {null, false, true};
        Set<EndpointConditions> distinct = new HashSet<>();
        for (Boolean r : values) {
            for (Boolean s : values) {
                for (Boolean t : values) {
                    EndpointConditions shared = EndpointConditions.of(r, s, t);
                    assertEquals(new EndpointConditions(r, s, t), shared, Arrays.toString(new Boolean[] {r, s, t}));
                    assertSame(shared, EndpointConditions.of(r, s, t));
                    distinct.add(shared);
                }
            }
        }
        assertEquals(27, distinct.size());
        assertEquals(EndpointConditions.UNSET, EndpointConditions.of(null, null, null));
    }
}
