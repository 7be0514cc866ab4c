package dev.senda.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A Jackson mapper configured as fabric8's API client configures its own (its modules, its handling of
 * unknown fields), for binding trees to fabric8's model classes where a {@link TreeReader} declines.
 * A holder class: configuring it loads fabric8's serialization set-up (its modules and model classes),
 * paid only when a tree is first bound, which for the usual Services and EndpointSlices is never.
 */
final class ApiMapper {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        new KubernetesSerialization(MAPPER, true); // configures MAPPER as the client's own
    }

    private ApiMapper() {
    }
}
