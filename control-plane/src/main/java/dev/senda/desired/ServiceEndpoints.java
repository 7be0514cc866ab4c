package dev.senda.desired;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The endpoints of each Service port, per address family, from the EndpointSlices a Service owns
 * (same namespace, label {@value EndpointSlice#SERVICE_NAME_LABEL} = the Service's name). A slice of
 * one family feeds only frontends of that family.
 *
 * <p>Each slice is validated once, when a Service first asks for it, so slices of Services that are
 * skipped or rejected are never looked at; what validation refused is in {@link #rejections()}.
 * One instance serves one calculation.
 */
final class ServiceEndpoints {
    private final Map<ObjectRef, List<EndpointSlice>> slicesByService = new HashMap<>();
    private final Map<ObjectRef, Optional<ParsedSlice>> parsed = new HashMap<>();
    private final List<Rejection> rejections = new ArrayList<>();

    /** @param slices every slice; their order is kept per Service */
    ServiceEndpoints(Collection<EndpointSlice> slices) {
        for (EndpointSlice slice : slices) {
            if (slice.serviceName() == null || slice.serviceName().isEmpty()) continue;
            slicesByService.computeIfAbsent(new ObjectRef(slice.ref().namespace(), slice.serviceName()),
                    k -> new ArrayList<>()).add(slice);
        }
    }

    /**
     * Every endpoint of {@code service}'s {@code port} in slices of {@code family}, with the port
     * number of its own slice (a named targetPort may resolve differently per slice).
     */
    List<PortEndpoint> of(ObjectRef service, ParsedPort port, IpFamily family) {
        List<PortEndpoint> out = new ArrayList<>();
        for (EndpointSlice slice : slicesByService.getOrDefault(service, List.of())) {
            Optional<ParsedSlice> p = parsed.computeIfAbsent(slice.ref(), r -> SliceParser.parse(slice,
                    reason -> rejections.add(new Rejection(Rejection.ENDPOINT_SLICE, r, reason))));
            if (p.isEmpty() || p.get().family() != family) continue;
            Optional<Integer> number = p.get().port(port);
            if (number.isEmpty()) continue;
            for (ParsedSlice.Endpoint e : p.get().endpoints()) {
                out.add(new PortEndpoint(new BackendAddress(e.address(), number.get(), port.proto()), e.readiness(),
                        e.nodeName(), e.zone(), e.hints()));
            }
        }
        return out;
    }

    /** What slice validation refused so far, in the order found. */
    List<Rejection> rejections() {
        return List.copyOf(rejections);
    }
}
