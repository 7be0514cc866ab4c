package dev.senda.desired.policy;

/**
 * The direction of a rule, seen from the local pod: {@link #INGRESS} matches packets going to the pod
 * by their SOURCE address and destination port, {@link #EGRESS} packets leaving the pod by their
 * DESTINATION address (after Service translation: the backend pod) and destination port.
 */
public enum PolicyDirection {
    INGRESS, EGRESS
}
