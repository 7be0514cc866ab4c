package dev.senda.maps.lb;

/**
 * Value of {@code senda_svc4_v1} ({@code struct senda_svc4_value}).
 *
 * @param backendId slot &gt; 0: the backend id in {@code senda_backend4_v1}; header: 0
 * @param serviceId the frontend's id, key of {@code senda_revnat4_v1}
 * @param count     header only: number of backend slots (0 = no ready endpoints: refuse)
 * @param flags     header only: {@code SENDA_SVC_FLAG_*}
 */
public record ServiceValue(int backendId, int serviceId, int count, int flags) {
    public ServiceValue {
        if (count < 0 || count > 0xffff) throw new IllegalArgumentException("count out of range: " + count);
        if (flags < 0 || flags > 0xff) throw new IllegalArgumentException("flags out of range: " + flags);
    }

    public static ServiceValue header(int serviceId, int count, int flags) {
        return new ServiceValue(0, serviceId, count, flags);
    }

    public static ServiceValue slot(int serviceId, int backendId) {
        return new ServiceValue(backendId, serviceId, 0, 0);
    }
}
