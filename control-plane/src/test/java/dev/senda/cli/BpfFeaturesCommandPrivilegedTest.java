package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.Feature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        JsonNode tree = new ObjectMapper().readTree(run("bpf", "features", "-o", "json"));
        for (Feature f : Feature.values()) {
            String support = tree.get(f.key()).get("support").asText();
            assertTrue(Set.of("yes", "no").contains(support), f.key() + ": " + tree.get(f.key()));
        }
        assertEquals("yes", tree.get("connect4").get("support").asText());

        String table = run("bpf", "features");
        assertTrue(table.lines().anyMatch(l -> l.matches("connect4\\s+yes\\s+cgroup sock_addr hook connect4")), table);
    }

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            assertEquals(0, Main.execute(args), String.join(" ", args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
