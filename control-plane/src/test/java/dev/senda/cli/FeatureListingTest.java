package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.Finding;
import dev.senda.maps.features.KernelFeatures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureListingTest {
    private final FeatureListing listing = new FeatureListing(KernelFeatures.all(Finding.yes())
            .with(Feature.TCX, Finding.no("the kernel refuses tcx links: \"Invalid argument\"\n(errno 22)"))
            .with(Feature.SOCK_DESTROY, Finding.unknown("not permitted")));

    @Test
    void tableHasOneRowPerFeatureAndSaysWhyForThoseNotThere() {
        List<String> lines = listing.toTable().lines().toList();
        assertTrue(lines.getFirst().matches("FEATURE\\s+SUPPORT\\s+DESCRIPTION"), lines.getFirst());
        assertTrue(lines.get(1).matches("tcx\\s+no\\s+tc programs attached through tcx links.*"), lines.get(1));
        assertTrue(lines.get(2).matches("\\s+why: the kernel refuses tcx links: \"Invalid argument\" \\(errno 22\\)"),
                lines.get(2));
        assertTrue(lines.get(3).matches("clsact\\s+yes\\s+.*"), lines.get(3));
        assertTrue(lines.getLast().matches("\\s+why: not permitted"), lines.getLast());
        long rows = lines.stream().filter(l -> !l.startsWith(" ")).count();
        assertEquals(1 + Feature.values().length, rows);
    }

    @Test
    void jsonHasEveryFeatureInOrderWithSupportDescriptionAndDetail() throws Exception {
        String json = listing.toJson();
        assertTrue(json.startsWith("{\n  \"tcx\": {\n    \"support\": \"no\",\n"), json);
        assertTrue(json.endsWith("}\n"), json);
        JsonNode tree = new ObjectMapper().readTree(json);
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        assertEquals(java.util.Arrays.stream(Feature.values()).map(Feature::key).toList(), keys);
        assertEquals("the kernel refuses tcx links: \"Invalid argument\"\n(errno 22)", tree.get("tcx").get("detail").asText(),
                "escaped and read back intact");
        assertEquals("yes", tree.get("connect6").get("support").asText());
        assertEquals("", tree.get("connect6").get("detail").asText());
        assertEquals("unknown", tree.get("sock_destroy").get("support").asText());
    }

    @Test
    void badOutputFormatIsRefusedBeforeProbing() {
        assertNotEquals(0, Main.execute("bpf", "features", "-o", "yaml"));
        assertEquals(2, Main.execute("bpf", "features", "--bpffs-root", "/x"), "features reads no maps");
    }
}
