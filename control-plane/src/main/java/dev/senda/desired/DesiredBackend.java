package dev.senda.desired;

import java.util.Objects;

/** A backend selected for a frontend, with the state the datapath should see. */
public record DesiredBackend(BackendAddress address, EndpointState state) {
    public DesiredBackend {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
    }
}
