package dev.senda.desired;

/**
 * How a chosen backend should be treated: {@link #ACTIVE} for ready endpoints, {@link #TERMINATING}
 * for the serving-and-terminating fallback used only while no endpoint is ready. The reconciler maps
 * this to the backend entry's {@code state}.
 */
public enum EndpointState {
    ACTIVE, TERMINATING
}
