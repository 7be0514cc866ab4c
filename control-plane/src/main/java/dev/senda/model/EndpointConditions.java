package dev.senda.model;

/**
 * An endpoint's conditions exactly as given: null means "not set", which the API defines as
 * ready=true, serving=true, terminating=false. Interpreting them belongs to desired state.
 */
public record EndpointConditions(Boolean ready, Boolean serving, Boolean terminating) {
    /** No condition set. */
    public static final EndpointConditions UNSET = new EndpointConditions(null, null, null);
}
