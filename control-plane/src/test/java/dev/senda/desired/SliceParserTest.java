package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.SlicePort;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Endpoint addresses that may not be backends, and slice metadata beyond the API's limits. */
class SliceParserTest {
    private static final List<SlicePort> PORTS = List.of(new SlicePort("http", "TCP", 8080, null));

    private static EndpointSlice slice(ObjectRef ref, Map<String, String> labels, String type, String... addresses) {
        List<Endpoint> eps = new ArrayList<>();
        for (String a : addresses) eps.add(new Endpoint(List.of(a), null, null, null, null));
        return new EndpointSlice(ref, labels, "web", type, PORTS, eps);
    }

    private record Result(Optional<ParsedSlice> slice, List<String> problems) {
        List<String> addresses() {
            return slice.orElseThrow().endpoints().stream().map(e -> e.address().toString()).toList();
        }
    }

    private static Result parse(EndpointSlice s) {
        List<String> problems = new ArrayList<>();
        return new Result(SliceParser.parse(s, problems::add), problems);
    }

    private static final ObjectRef REF = new ObjectRef("default", "web-abc12");

    @Test
    void ipv4EndpointsThatNameNoRemotePodAreSkippedAndTheRestKept() {
        Result r = parse(slice(REF, Map.of(), "IPv4", "0.0.0.0", "10.244.1.5", "127.0.0.1", "169.254.169.254",
                "224.0.0.1", "255.255.255.255", "10.244.1.6"));
        assertEquals(List.of("10.244.1.5", "10.244.1.6"), r.addresses());
        assertEquals(List.of(
                "endpoints[0]: address \"0.0.0.0\" is an unspecified address (0.0.0.0/8), skipped",
                "endpoints[2]: address \"127.0.0.1\" is a loopback address (127.0.0.0/8), skipped",
                "endpoints[3]: address \"169.254.169.254\" is a link-local address (169.254.0.0/16), skipped",
                "endpoints[4]: address \"224.0.0.1\" is a multicast address (224.0.0.0/4), skipped",
                "endpoints[5]: address \"255.255.255.255\" is the broadcast address (255.255.255.255), skipped"),
                r.problems());
    }

    @Test
    void ipv6EndpointsThatNameNoRemotePodAreSkippedAndTheRestKept() {
        Result r = parse(slice(REF, Map.of(), "IPv6", "::", "::1", "fd00:10:244::5", "fe80::1", "ff02::1",
                "::ffff:127.0.0.1"));
        assertEquals(List.of("fd00:10:244::5"), r.addresses());
        assertEquals(List.of(
                "endpoints[0]: address \"::\" is the unspecified address (::), skipped",
                "endpoints[1]: address \"::1\" is the loopback address (::1), skipped",
                "endpoints[3]: address \"fe80::1\" is a link-local address (fe80::/10), skipped",
                "endpoints[4]: address \"ff02::1\" is a multicast address (ff00::/8), skipped",
                // an IPv4-mapped literal is no IPv6 address at all (IpAddress.parse)
                "endpoints[5]: address \"::ffff:127.0.0.1\" is not an IPv6 address, skipped"),
                r.problems());
    }

    @Test
    void aSliceOfMoreEndpointsThanTheApiAllowsIsRejectedAsAWhole() {
        String[] atLimit = new String[1000];
        for (int i = 0; i < atLimit.length; i++) atLimit[i] = "10.200." + (i / 250) + "." + (1 + i % 250);
        assertEquals(1000, parse(slice(REF, Map.of(), "IPv4", atLimit)).addresses().size());

        String[] over = java.util.Arrays.copyOf(atLimit, 1001);
        over[1000] = "10.200.9.1";
        Result r = parse(slice(REF, Map.of(), "IPv4", over));
        assertEquals(Optional.empty(), r.slice());
        assertEquals(List.of("endpoints: 1001 endpoints, more than the API's 1000"), r.problems());
    }

    @Test
    void aSliceBeyondTheApiLimitsIsRejectedAsAWhole() {
        String name = "w".repeat(254);
        Result r = parse(slice(new ObjectRef("default", name), Map.of("kubernetes.io/service-name", "x".repeat(64)),
                "IPv4", "10.244.1.5"));
        assertEquals(Optional.empty(), r.slice());
        assertEquals(List.of(
                "metadata.name \"" + "w".repeat(40) + "...\" is 254 characters, over the limit of 253",
                "metadata.labels[\"kubernetes.io/service-name\"] value \"" + "x".repeat(40)
                        + "...\" is 64 characters, over the limit of 63"), r.problems());
    }

    @Test
    void aSliceNameIsADnsSubdomain() {
        Result r = parse(slice(new ObjectRef("default", "web.v1-" + "a".repeat(240)), Map.of(), "IPv4", "10.244.1.5"));
        assertEquals(List.of(), r.problems());
        assertEquals(List.of(IpAddress.parse("10.244.1.5").orElseThrow().toString()), r.addresses());
    }
}
