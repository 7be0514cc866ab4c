package dev.senda.agent;

import dev.senda.maps.policy.PolicyStatsKey;
import dev.senda.maps.policy.PolicyVerdict;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.model.ObjectRef;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** senda_policy_verdicts_total: labelled by the policy's name, direction and verdict, read at scrape time. */
class PolicyVerdictsMetricsTest {
    @Test
    void countersAreLabelledByPolicyNameAndUnknownIdsAreSummed() throws Exception {
        Map<PolicyStatsKey, Long> counts = Map.of(
                new PolicyStatsKey(3, RuleDirection.INGRESS, PolicyVerdict.ALLOW), 7L,
                new PolicyStatsKey(0, RuleDirection.INGRESS, PolicyVerdict.DENY), 2L,
                new PolicyStatsKey(0, RuleDirection.EGRESS, PolicyVerdict.PENDING), 1L,
                new PolicyStatsKey(8, RuleDirection.EGRESS, PolicyVerdict.ALLOW), 4L,
                new PolicyStatsKey(9, RuleDirection.EGRESS, PolicyVerdict.ALLOW), 5L);
        try (Metrics metrics = new Metrics();
             HttpClient client = HttpClient.newHttpClient()) {
            metrics.exportPolicyVerdicts(() -> counts, () -> Map.of(3, new ObjectRef("x", "allow-b")));
            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("senda_policy_verdicts_total{direction=\"ingress\",policy=\"x/allow-b\",verdict=\"allow\"} 7.0"), body);
            assertTrue(body.contains("senda_policy_verdicts_total{direction=\"ingress\",policy=\"\",verdict=\"deny\"} 2.0"), body);
            assertTrue(body.contains("senda_policy_verdicts_total{direction=\"egress\",policy=\"\",verdict=\"pending\"} 1.0"), body);
            assertTrue(body.contains("senda_policy_verdicts_total{direction=\"egress\",policy=\"(unknown)\",verdict=\"allow\"} 9.0"), body);
            assertFalse(body.contains("policy=\"8\""), body);
        }
    }
}
