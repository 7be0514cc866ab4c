package dev.senda.desired.policy;

import dev.senda.model.Snapshot;
import dev.senda.source.Kind;
import dev.senda.source.Kinds;
import dev.senda.source.YamlObjects;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Objects in, policy dump out: one case per directory under {@code src/test/resources/golden-policy/},
 * holding {@code input.yaml} (Pods, Namespaces and NetworkPolicies, parsed exactly as
 * {@code --source dir:} would; the agent's node is {@code node-a}) and {@code expected.txt}, the
 * {@link PolicyStateDump} of {@link PolicyCompiler#compile}. Each case also checks, address by address,
 * that a longest-prefix match on the entries gives what a direct reading of the policies gives
 * ({@link PolicyOracle}), so a golden file cannot bless a wrong answer unnoticed.
 *
 * <p>To accept new output after an intended change, run with {@code -Dsenda.golden.update=true} and
 * review the diff of the expected files.
 */
class GoldenPolicyTest {
    static final String NODE_NAME = "node-a";
    private static final boolean UPDATE = Boolean.getBoolean("senda.golden.update");

    @TestFactory
    Stream<DynamicTest> golden() throws IOException, URISyntaxException {
        URL url = GoldenPolicyTest.class.getResource("/golden-policy");
        if (url == null) throw new IllegalStateException("no golden-policy/ directory on the test class path");
        Path root = Path.of(url.toURI());
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(root)) {
            cases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no golden cases under " + root);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    static Snapshot snapshot(String yaml) throws Exception {
        YamlObjects.Parsed parsed = YamlObjects.parse(yaml);
        Snapshot.Builder b = Snapshot.builder();
        for (Kind<?, ?> kind : Kinds.ALL) putAll(b, kind, parsed);
        return b.build();
    }

    private static <T> void putAll(Snapshot.Builder b, Kind<?, T> kind, YamlObjects.Parsed parsed) {
        b.putAll(kind, parsed.all(kind));
    }

    private static void check(Path dir) throws Exception {
        Snapshot snapshot = snapshot(Files.readString(dir.resolve("input.yaml"), StandardCharsets.UTF_8));
        PolicyState state = PolicyCompiler.compile(snapshot, NODE_NAME);
        assertEquals(state, PolicyCompiler.compile(snapshot, NODE_NAME), "not deterministic");
        List<String> wrong = PolicyOracle.check(snapshot, state);
        if (!wrong.isEmpty()) {
            fail("longest-prefix match on the entries disagrees with the policies:\n  "
                    + String.join("\n  ", wrong.subList(0, Math.min(20, wrong.size()))) + "\n" + PolicyStateDump.render(state));
        }
        compare(dir, "expected.txt", PolicyStateDump.render(state));
    }

    private static void compare(Path dir, String file, String actual) throws IOException {
        Path expectedFile = dir.resolve(file);
        if (UPDATE) {
            Path source = Path.of("src/test/resources/golden-policy").resolve(dir.getFileName()).resolve(file);
            Files.writeString(source, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(expectedFile)) {
            fail("missing " + expectedFile + " (run with -Dsenda.golden.update=true to create it); actual:\n" + actual);
        }
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
        assertEquals(expected, actual, "golden case " + dir.getFileName() + "/" + file + " differs");
    }
}
