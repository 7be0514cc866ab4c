package dev.senda.desired;

import dev.senda.model.ObjectRef;

import java.util.Comparator;
import java.util.Objects;

/**
 * An object (or part of one) desired state refused, and why. A rejected Service is not programmed at
 * all, unless the reason names an external part that was left out (a node port, an ingress or external
 * IP: the reason says so), in which case the rest of the Service is programmed; a rejected part of an
 * EndpointSlice (one endpoint, one port) is skipped and the rest is used. A rejected rule of a
 * NetworkPolicy allows nothing, but the policy still isolates the pods it selects (never fail open).
 *
 * @param kind   "Service", "EndpointSlice" or "NetworkPolicy"
 * @param object namespace/name of the object
 * @param reason what is wrong, naming the field and the offending value
 */
public record Rejection(String kind, ObjectRef object, String reason) {
    /** By kind, then object; the reasons of one object keep the order they were found in. */
    public static final Comparator<Rejection> ORDER =
            Comparator.comparing(Rejection::kind).thenComparing(Rejection::object);

    public static final String SERVICE = "Service";
    public static final String ENDPOINT_SLICE = "EndpointSlice";
    public static final String NETWORK_POLICY = "NetworkPolicy";

    public Rejection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(reason, "reason");
    }

    /** "Service default/web: reason" */
    @Override
    public String toString() {
        return kind + " " + object + ": " + reason;
    }
}
