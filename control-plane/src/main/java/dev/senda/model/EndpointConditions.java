package dev.senda.model;

/**
 * An endpoint's conditions exactly as given: null means "not set", which the API defines as
 * ready=true, serving=true, terminating=false. Interpreting them belongs to desired state.
 */
public record EndpointConditions(Boolean ready, Boolean serving, Boolean terminating) {
    /** No condition set. */
    public static final EndpointConditions UNSET = new EndpointConditions(null, null, null);

    /** Every combination, by {@link #index}: 27 values stand for the conditions of any number of endpoints. */
    private static final EndpointConditions[] SHARED = new EndpointConditions[27];

    static {
        Boolean[] values = {null, Boolean.FALSE, Boolean.TRUE};
        for (Boolean r : values) {
            for (Boolean s : values) {
                for (Boolean t : values) SHARED[index(r, s, t)] = new EndpointConditions(r, s, t);
            }
        }
    }

    /**
     * The shared instance with these conditions: a cluster's endpoints have a handful of distinct
     * conditions, and one record per endpoint (100,000 at 10,000 Services) is garbage-collector work
     * and memory for nothing, as the records are immutable and compared by value.
     */
    public static EndpointConditions of(Boolean ready, Boolean serving, Boolean terminating) {
        return SHARED[index(ready, serving, terminating)];
    }

    private static int index(Boolean r, Boolean s, Boolean t) {
        return 9 * trit(r) + 3 * trit(s) + trit(t);
    }

    private static int trit(Boolean b) {
        return b == null ? 0 : b ? 2 : 1;
    }
}
