package dev.senda.desired;

import java.util.List;
import java.util.Objects;

/**
 * One endpoint set chosen by {@link EndpointCategorizer}: sorted, distinct addresses, all in one state
 * ({@link EndpointState#TERMINATING} when the set is the serving-and-terminating fallback).
 */
record ChosenEndpoints(List<BackendAddress> addresses, EndpointState state) {
    static final ChosenEndpoints NONE = new ChosenEndpoints(List.of(), EndpointState.ACTIVE);

    ChosenEndpoints {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(state, "state");
    }

    /** The backends of a frontend using this set, in slot order. */
    List<DesiredBackend> backends() {
        return addresses.stream().map(a -> new DesiredBackend(a, state)).toList();
    }
}
