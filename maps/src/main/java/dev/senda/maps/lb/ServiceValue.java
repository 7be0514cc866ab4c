package dev.senda.maps.lb;

/**
 * Value of {@code senda_svc4_v1} ({@code struct senda_svc4_value}).
 *
 * <p>The header (slot 0) has no backend: its {@code backend_id} field carries the session-affinity
 * timeout in seconds when {@link #FLAG_AFFINITY} is set, else 0 ({@code bpf/lib/abi/lb.h}).
 *
 * @param backendId slot &gt; 0: the backend id in {@code senda_backend4_v1}; header: the affinity
 *                  timeout in seconds with {@link #FLAG_AFFINITY}, else 0
 * @param serviceId the frontend's id, key of {@code senda_revnat4_v1}
 * @param count     header only: number of backend slots (0 = no ready endpoints: refuse)
 * @param flags     header only: {@code SENDA_SVC_FLAG_*}
 */
public record ServiceValue(int backendId, int serviceId, int count, int flags) {
    public ServiceValue {
        if (count < 0 || count > 0xffff) throw new IllegalArgumentException("count out of range: " + count);
        if (flags < 0 || flags > 0xff) throw new IllegalArgumentException("flags out of range: " + flags);
    }

    /** {@code SENDA_SVC_FLAG_AFFINITY}: sessionAffinity ClientIP, timeout in the header's backend_id. */
    public static final int FLAG_AFFINITY = 0x01;
    /** {@code SENDA_SVC_FLAG_NODE_PORT}: the frontend is a node port. */
    public static final int FLAG_NODE_PORT = 0x02;
    /** {@code SENDA_SVC_FLAG_LOAD_BALANCER}: the frontend is a load-balancer ingress IP. */
    public static final int FLAG_LOAD_BALANCER = 0x04;
    /** {@code SENDA_SVC_FLAG_EXTERNAL_IP}: the frontend is one of the Service's externalIPs. */
    public static final int FLAG_EXTERNAL_IP = 0x08;
    /**
     * {@code SENDA_SVC_FLAG_DROP_EMPTY}: the frontend balances over this node's endpoints only and has
     * none here while the Service has some elsewhere: its traffic is dropped, not refused.
     */
    public static final int FLAG_DROP_EMPTY = 0x10;
    /** {@code SENDA_SVC_FLAG_TWO_SCOPES}: an EXTERNAL header whose frontend also has an INTERNAL sibling. */
    public static final int FLAG_TWO_SCOPES = 0x20;
    /**
     * {@code SENDA_SVC_FLAG_SOURCE_RANGES}: loadBalancerSourceRanges: new flows only from sources in the
     * frontend's entries of {@code senda_srcrange4_v1/6}.
     */
    public static final int FLAG_SOURCE_RANGES = 0x40;

    /** "ClusterIP", "NodePort", "LoadBalancer" or "ExternalIP", from a header's kind flags. */
    public String kind() {
        if ((flags & FLAG_NODE_PORT) != 0) return "NodePort";
        if ((flags & FLAG_LOAD_BALANCER) != 0) return "LoadBalancer";
        if ((flags & FLAG_EXTERNAL_IP) != 0) return "ExternalIP";
        return "ClusterIP";
    }

    public static ServiceValue header(int serviceId, int count, int flags) {
        return new ServiceValue(0, serviceId, count, flags);
    }

    /**
     * A header; {@code affinityTimeout} &gt; 0 (seconds) sets {@link #FLAG_AFFINITY} in {@code flags}
     * and stores the timeout, 0 means no affinity.
     */
    public static ServiceValue header(int serviceId, int count, int flags, int affinityTimeout) {
        if (affinityTimeout < 0) throw new IllegalArgumentException("affinity timeout < 0: " + affinityTimeout);
        return affinityTimeout == 0
                ? new ServiceValue(0, serviceId, count, flags & ~FLAG_AFFINITY)
                : new ServiceValue(affinityTimeout, serviceId, count, flags | FLAG_AFFINITY);
    }

    /** Header only: the session-affinity timeout in seconds, 0 when the flag is not set. */
    public int affinityTimeout() {
        return (flags & FLAG_AFFINITY) != 0 ? backendId : 0;
    }

    public static ServiceValue slot(int serviceId, int backendId) {
        return new ServiceValue(backendId, serviceId, 0, 0);
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceValue x && backendId == x.backendId && serviceId == x.serviceId && count == x.count && flags == x.flags;
    }

    @Override
    public int hashCode() {
        return ((backendId * 31 + serviceId) * 31 + count) * 31 + flags;
    }
}
