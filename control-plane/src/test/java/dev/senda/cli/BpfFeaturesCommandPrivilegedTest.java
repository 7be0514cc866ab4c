package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.Feature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code senda bpf features} probing the real kernel. */
@Tag("privileged")
class BpfFeaturesCommandPrivilegedTest {
    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void printsADefiniteAnswerForEveryFeature() throws Exception {
        JsonNode tree = new ObjectMapper().readTree(CliRun.stdout("bpf", "features", "-o", "json"));
        for (Feature f : Feature.values()) {
            String support = tree.get(f.key()).get("support").asText();
            assertTrue(Set.of("yes", "no").contains(support), f.key() + ": " + tree.get(f.key()));
        }
        assertEquals("yes", tree.get("connect4").get("support").asText());

        String table = CliRun.stdout("bpf", "features");
        assertTrue(table.lines().anyMatch(l -> l.matches("connect4\\s+yes\\s+cgroup sock_addr hook connect4")), table);
    }
}
