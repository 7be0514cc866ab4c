package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpfPolicyListingTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    /** Pod 3 (both families) isolated for ingress: TCP 80 from 10.244.0.0/16 except 10.244.9.0/24; pod 4 open. */
    static BpfPolicyListing listing() {
        return BpfPolicyListing.of(
                Map.of(new PolicyEndpointKey(ip("10.244.1.2")), new PolicyEndpointValue(3, true, false),
                        new PolicyEndpointKey(ip("fd00:10:244:1::2")), new PolicyEndpointValue(3, true, false),
                        new PolicyEndpointKey(ip("10.244.1.5")), new PolicyEndpointValue(4, false, false)),
                Map.of(PolicyRuleKey.of(3, RuleDirection.INGRESS, ip("10.244.0.0"), 16),
                        new PolicyRuleValue(List.of(new PolicyPort(6, 80, 80, 1), new PolicyPort(17, 1000, 2000, 2))),
                        PolicyRuleKey.of(3, RuleDirection.INGRESS, ip("10.244.9.0"), 24), new PolicyRuleValue(List.of())));
    }

    @Test
    void tableShowsEndpointsThenRulesWithTheirPolicyIds() {
        String table = listing().toTable();
        String[] lines = table.split("\n");
        assertTrue(lines[1].startsWith("10.244.1.2 ") && lines[1].contains(" 3 ") && lines[1].endsWith("ingress"), table);
        assertTrue(lines[2].startsWith("10.244.1.5 ") && lines[2].endsWith("no"), table);
        assertTrue(lines[3].startsWith("fd00:10:244:1::2 "), table);
        assertTrue(table.contains("10.244.0.0/16") && table.contains("TCP 80 (1), UDP 1000-2000 (2)"), table);
        assertTrue(lines[lines.length - 1].contains("10.244.9.0/24") && lines[lines.length - 1].endsWith("deny"), table);
    }

    @Test
    void jsonHasEndpointsAndRulesWithTheirPodsAddresses() throws Exception {
        JsonNode json = new ObjectMapper().readTree(listing().toJson());
        assertEquals(3, json.get("endpoints").size());
        JsonNode rule = json.get("rules").get(0);
        assertEquals("ingress", rule.get("direction").asText());
        assertEquals("10.244.0.0/16", rule.get("peer").asText());
        assertEquals(2, rule.get("endpointAddresses").size());
        assertEquals("UDP", rule.get("ports").get(1).get("protocol").asText());
        assertEquals(2000, rule.get("ports").get(1).get("last").asInt());
        assertEquals(0, json.get("rules").get(1).get("ports").size());
    }
}
