package dev.senda.desired;

import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConflictResolverTest {
    private static final Instant OLD = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant NEW = Instant.parse("2024-06-01T00:00:00Z");

    /** A ClusterIP Service with one TCP port 80 on the given cluster IPs, expanded. */
    private static ConflictResolver.Claim claim(String name, Instant created, String... clusterIps) {
        List<IpAddress> ips = Arrays.stream(clusterIps).map(s -> IpAddress.parse(s).orElseThrow()).toList();
        ParsedService svc = new ParsedService(new ObjectRef("ns", name), created, ServiceType.CLUSTER_IP, ips,
                List.of(new ParsedPort("", 80, L4Protocol.TCP)), new TrafficPolicies(null, null));
        return new ConflictResolver.Claim(svc, FrontendExpanders.expand(svc, List.of()));
    }

    private static List<String> names(ConflictResolver.Resolution r) {
        return r.accepted().stream().map(c -> c.service().ref().name()).toList();
    }

    private static Rejection rejected(String name, String reason) {
        return new Rejection(Rejection.SERVICE, new ObjectRef("ns", name), reason);
    }

    @Test
    void theOlderServiceWinsWhateverTheInputOrderAndName() {
        var r = ConflictResolver.resolve(List.of(claim("a-new", NEW, "10.96.0.1"), claim("z-old", OLD, "10.96.0.1")));
        assertEquals(List.of("z-old"), names(r));
        assertEquals(List.of(rejected("a-new", "frontend 10.96.0.1:80/TCP is already used by Service ns/z-old")),
                r.rejections());
    }

    @Test
    void withoutTimestampsTheSmallerNameWinsAndADatedServiceBeatsAnUndatedOne() {
        var r = ConflictResolver.resolve(List.of(claim("b", null, "10.96.0.1"), claim("a", null, "10.96.0.1")));
        assertEquals(List.of("a"), names(r));
        r = ConflictResolver.resolve(List.of(claim("a", null, "10.96.0.1"), claim("z", NEW, "10.96.0.1")));
        assertEquals(List.of("z"), names(r));
    }

    @Test
    void aDualStackServiceThatLosesOneFamilyLosesBoth() {
        var r = ConflictResolver.resolve(List.of(
                claim("v6-holder", OLD, "fd00:96::1"),
                claim("dual", NEW, "10.96.0.1", "fd00:96::1")));
        assertEquals(List.of("v6-holder"), names(r));
        assertEquals(List.of(rejected("dual", "frontend [fd00:96::1]:80/TCP is already used by Service ns/v6-holder")),
                r.rejections());
    }

    @Test
    void aRejectedServiceClaimsNothingSoALaterOneMayTakeItsOtherFamily() {
        Instant later = NEW.plusSeconds(60);
        var r = ConflictResolver.resolve(List.of(
                claim("v4-later", later, "10.96.0.1"),
                claim("dual", NEW, "10.96.0.1", "fd00:96::1"),
                claim("v6-holder", OLD, "fd00:96::1")));
        assertEquals(List.of("v6-holder", "v4-later"), names(r));
        assertEquals(List.of(rejected("dual", "frontend [fd00:96::1]:80/TCP is already used by Service ns/v6-holder")),
                r.rejections());
    }

    @Test
    void sameNumbersInTheOtherFamilyOrAnotherAddressDoNotConflict() {
        // ::a60:1 carries the same 32 low bits as 10.96.0.1, but it is another address.
        var r = ConflictResolver.resolve(List.of(claim("v4", OLD, "10.96.0.1"), claim("v6", OLD, "::a60:1"),
                claim("dual", NEW, "10.96.0.2", "fd00:96::2")));
        assertEquals(List.of("v4", "v6", "dual"), names(r));
        assertEquals(List.of(), r.rejections());
    }
}
