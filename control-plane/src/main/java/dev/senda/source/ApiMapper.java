package dev.senda.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A Jackson mapper configured as fabric8's API client configures its own (its modules, its handling of
 * unknown fields), for binding trees to fabric8's model classes where a {@link TreeReader} declines.
 * A holder class: the configuration loads fabric8's whole model registry, paid only when first bound.
 */
final class ApiMapper {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        new KubernetesSerialization(MAPPER, true); // configures MAPPER as the client's own
    }

    private ApiMapper() {
    }
}
