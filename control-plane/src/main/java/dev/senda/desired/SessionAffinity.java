package dev.senda.desired;

import dev.senda.model.Service;

import java.util.List;

/**
 * A Service's session affinity: {@code spec.sessionAffinity} ClientIP keeps a client on the backend it
 * reached last for {@link #timeoutSeconds()} after its last use; {@link #NONE} balances every new
 * connection afresh.
 *
 * <p>Parsing follows the API server's validation, since only a hand-written object can get past it:
 * {@code sessionAffinity} unset or "None" is {@link #NONE} (a {@code sessionAffinityConfig} beside it is
 * ignored); "ClientIP" takes {@code spec.sessionAffinityConfig.clientIP.timeoutSeconds}, default
 * {@value #DEFAULT_TIMEOUT_SECONDS}, valid in 1..{@value #MAX_TIMEOUT_SECONDS}. Any other value, or a
 * timeout out of range, rejects the whole Service, as an unknown {@code spec.type} does
 * ({@link ServiceParser}). kube-proxy would program such a Service without affinity; Senda names the
 * problem instead of silently serving something the owner did not ask for.
 *
 * @param timeoutSeconds 0 for none, else 1..{@value #MAX_TIMEOUT_SECONDS}
 */
public record SessionAffinity(int timeoutSeconds) {
    public static final SessionAffinity NONE = new SessionAffinity(0);
    public static final int DEFAULT_TIMEOUT_SECONDS = 10800;
    public static final int MAX_TIMEOUT_SECONDS = 86400;
    static final String CLIENT_IP = "ClientIP";
    static final String NONE_NAME = "None";

    public SessionAffinity {
        if (timeoutSeconds < 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("affinity timeout out of range: " + timeoutSeconds);
        }
    }

    public boolean enabled() {
        return timeoutSeconds > 0;
    }

    /** The Service's affinity; problems are appended, and any problem means the result must not be used. */
    static SessionAffinity parse(Service svc, List<String> problems) {
        String mode = svc.sessionAffinity();
        if (mode == null || mode.equals(NONE_NAME)) return NONE;
        if (!mode.equals(CLIENT_IP)) {
            problems.add("spec.sessionAffinity \"" + mode + "\" is not None or ClientIP");
            return NONE;
        }
        Integer timeout = svc.sessionAffinityTimeoutSeconds();
        if (timeout == null) return new SessionAffinity(DEFAULT_TIMEOUT_SECONDS);
        if (timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
            problems.add("spec.sessionAffinityConfig.clientIP.timeoutSeconds " + timeout + " is not in 1.."
                    + MAX_TIMEOUT_SECONDS);
            return NONE;
        }
        return new SessionAffinity(timeout);
    }

    /** "ClientIP 10800s", or "None". */
    @Override
    public String toString() {
        return enabled() ? CLIENT_IP + " " + timeoutSeconds + "s" : NONE_NAME;
    }
}
