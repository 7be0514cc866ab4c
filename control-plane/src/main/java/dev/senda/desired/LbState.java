package dev.senda.desired;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Everything the load-balancer maps should hold, keyed and sorted by frontend. */
public record LbState(SortedMap<Frontend, DesiredFrontend> frontends) {
    public LbState {
        frontends = Collections.unmodifiableSortedMap(new TreeMap<>(frontends));
    }

    public static LbState empty() {
        return new LbState(new TreeMap<>());
    }
}
