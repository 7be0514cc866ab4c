package dev.senda.desired;

import dev.senda.maps.lb.TestLbMaps;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;
import dev.senda.source.Kind;
import dev.senda.source.Kinds;
import dev.senda.source.YamlObjects;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Objects in, map dump out: one case per directory under {@code src/test/resources/golden/}, holding
 * {@code input.yaml} (Services, EndpointSlices and Nodes, parsed exactly as {@code --source dir:} would;
 * the agent's node is {@code node-a}, its {@link NodeInfo} built from the Node of that name if the input
 * has one), optionally {@code nodeport-addresses.txt} (the value of {@code --nodeport-addresses},
 * default primary), and two expected renderings:
 * <ul>
 *   <li>{@code expected.txt}: the desired state ({@link DesiredStateDump#render(DesiredState)});</li>
 *   <li>{@code expected-maps.txt}: every entry of {@code senda_svc4_v1}, {@code senda_backend4_v1} and
 *   {@code senda_revnat4_v1} ({@link MapsDump}) after a fresh {@link LbReconciler} applied that desired
 *   state, with pruning, to empty {@link TestLbMaps}: ids, slot order and counts as the datapath
 *   reads them.</li>
 * </ul>
 * The maps are also checked against the desired state without any golden text ({@link MapsDump#check}),
 * a second apply must write nothing, and a reconciler restored from those maps (an agent restart) must
 * write nothing either.
 *
 * <p>To accept new output after an intended change, run with {@code -Dsenda.golden.update=true}
 * and review the diff of the expected files.
 */
class GoldenDesiredStateTest {
    private static final String NODE_NAME = "node-a";
    private static final boolean UPDATE = Boolean.getBoolean("senda.golden.update");

    @TestFactory
    Stream<DynamicContainer> golden() throws IOException, URISyntaxException {
        URL url = GoldenDesiredStateTest.class.getResource("/golden");
        if (url == null) throw new IllegalStateException("no golden/ directory on the test class path");
        Path root = Path.of(url.toURI());
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(root)) {
            cases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no golden cases under " + root);
        return cases.stream().map(dir -> DynamicContainer.dynamicContainer(dir.getFileName().toString(), Stream.of(
                DynamicTest.dynamicTest("desired state", () -> checkDesired(dir)),
                DynamicTest.dynamicTest("maps", () -> checkMaps(dir)))));
    }

    private static DesiredState calculate(Path dir) throws Exception {
        String input = Files.readString(dir.resolve("input.yaml"), StandardCharsets.UTF_8);
        YamlObjects.Parsed parsed = YamlObjects.parse(input);
        Snapshot.Builder b = Snapshot.builder();
        for (Kind<?, ?> kind : Kinds.ALL) putAll(b, kind, parsed);
        Snapshot snapshot = b.build();
        NodeInfo node = NodeInfo.of(NODE_NAME, snapshot.all(Kinds.NODE).get(new ObjectRef("", NODE_NAME)));
        Path flag = dir.resolve("nodeport-addresses.txt");
        NodePortAddresses addresses = Files.exists(flag)
                ? NodePortAddresses.parse(Files.readString(flag, StandardCharsets.UTF_8).strip())
                : NodePortAddresses.PRIMARY;
        DesiredState state = new DesiredStateCalculator(addresses).calculate(snapshot, node);
        // Pure function: a second run on the same input gives the same answer.
        assertEquals(state, new DesiredStateCalculator(addresses).calculate(snapshot, node), "not deterministic");
        return state;
    }

    private static <T> void putAll(Snapshot.Builder b, Kind<?, T> kind, YamlObjects.Parsed parsed) {
        b.putAll(kind, parsed.all(kind));
    }

    private static void checkDesired(Path dir) throws Exception {
        compare(dir, "expected.txt", DesiredStateDump.render(calculate(dir)));
    }

    private static void checkMaps(Path dir) throws Exception {
        LbState desired = calculate(dir).lb();
        TestLbMaps maps = new TestLbMaps();
        ApplyResult first = new LbReconciler(maps.maps()).apply(desired, true);
        assertTrue(first.ok(), "apply failed: " + first.errors());
        String actual = MapsDump.render(maps);

        List<String> problems = MapsDump.check(maps, desired);
        assertTrue(problems.isEmpty(), "the maps do not hold the desired state:\n  " + String.join("\n  ", problems)
                + "\n" + actual);
        assertEquals(maps.services().size() + maps.backends().size() + maps.revNats().size()
                        + maps.sourceRanges().size(), first.writes(),
                "a first apply to empty maps writes each entry exactly once:\n" + actual);

        // An agent restart: a new reconciler restores ids from the maps and finds nothing to do.
        LbReconciler restarted = new LbReconciler(maps.maps());
        restarted.restore();
        ApplyResult again = restarted.apply(desired, true);
        assertEquals(0, again.writes(), "applying the same state after a restore wrote to the maps: " + again);
        assertEquals(actual, MapsDump.render(maps), "the maps changed after a restore and re-apply");

        compare(dir, "expected-maps.txt", actual);
    }

    /** Compares with (or, with -Dsenda.golden.update=true, rewrites) {@code dir/file}. */
    private static void compare(Path dir, String file, String actual) throws IOException {
        Path expectedFile = dir.resolve(file);
        if (UPDATE) {
            Path source = Path.of("src/test/resources/golden").resolve(dir.getFileName()).resolve(file);
            Files.writeString(source, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(expectedFile)) {
            fail("missing " + expectedFile + " (run with -Dsenda.golden.update=true to create it); actual:\n" + actual);
        }
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            fail("golden case " + dir.getFileName() + "/" + file + " differs (- expected, + actual):\n" + diff(expected, actual));
        }
    }

    /** A small line diff (longest common subsequence), enough to read a golden mismatch. */
    static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add("  " + a[i++]);
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + a[i++]);
            } else {
                out.add("+ " + b[j++]);
            }
        }
        return String.join("\n", out);
    }
}
