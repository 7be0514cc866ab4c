package dev.senda.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/image/Dockerfile}, checked without Docker (none runs here): what it copies exists in
 * the build context, its stages refer to each other correctly, its entrypoint starts the agent's main
 * class from where the runtime stage puts it, and the tag it documents is the one the DaemonSet runs.
 * The daemonless build reads the same entrypoint from this file; ContainerImageE2eTest runs that image.
 */
class ImageDockerfileTest {
    /** The build context: the repository's root (tests run in control-plane/). */
    private static final Path CONTEXT = Path.of("").toAbsolutePath().getParent();
    private static final Path DOCKERFILE = CONTEXT.resolve("deploy/image/Dockerfile");
    private static final Pattern FROM = Pattern.compile("(?i)^(\\S+)(?:\\s+AS\\s+(\\S+))?$");
    private static final Pattern BUILD_TAG = Pattern.compile("docker build .*-t (\\S+)");

    /** One instruction: its keyword and its arguments, continuation lines joined. */
    private record Instruction(String keyword, String args) {
    }

    private static List<Instruction> instructions() throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String l = line.strip();
            if (current.isEmpty() && (l.isEmpty() || l.startsWith("#"))) continue;
            if (l.endsWith("\\")) {
                current.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            current.append(l);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            out.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        }
        return out;
    }

    private static List<String> execForm(String keyword) throws IOException {
        List<Instruction> found = instructions().stream().filter(i -> i.keyword().equals(keyword)).toList();
        assertEquals(1, found.size(), "one " + keyword);
        return Arrays.asList(new ObjectMapper().readValue(found.getFirst().args(), String[].class));
    }

    @Test
    void everyCopySourceExistsInTheBuildContextAndEveryStageCopiedFromIsDefinedBefore() throws IOException {
        List<String> stages = new ArrayList<>();
        int copies = 0;
        for (Instruction i : instructions()) {
            if (i.keyword().equals("FROM")) {
                Matcher m = FROM.matcher(i.args());
                assertTrue(m.matches(), "FROM " + i.args());
                if (m.group(2) != null) stages.add(m.group(2));
            }
            if (!i.keyword().equals("COPY")) continue;
            List<String> words = new ArrayList<>(List.of(i.args().split("\\s+")));
            String from = null;
            while (words.getFirst().startsWith("--")) {
                String flag = words.removeFirst();
                if (flag.startsWith("--from=")) from = flag.substring("--from=".length());
            }
            List<String> sources = words.subList(0, words.size() - 1);
            if (from != null) {
                assertTrue(stages.contains(from), "COPY --from=" + from + ": no earlier stage of that name in " + stages);
                continue;
            }
            for (String source : sources) {
                assertTrue(Files.exists(CONTEXT.resolve(source)), "COPY " + source + ": not in the build context " + CONTEXT);
                copies++;
            }
        }
        assertTrue(copies > 0, "the Dockerfile copies nothing from the build context");
        // a module the parent pom lists must be there for Maven, if only as its pom
        String parentPom = Files.readString(CONTEXT.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(parentPom);
        String dockerfile = Files.readString(DOCKERFILE);
        while (module.find()) {
            String m = module.group(1);
            assertTrue(dockerfile.contains("COPY " + m + " ") || dockerfile.contains("COPY " + m + "/pom.xml "),
                    "the Dockerfile does not copy module " + m + " (Maven reads every module's pom)");
        }
    }

    @Test
    void theEntrypointRunsTheAgentsMainClassFromTheRuntimeAndJarsTheImageHolds() throws Exception {
        List<String> entrypoint = execForm("ENTRYPOINT");
        String main = entrypoint.getLast();
        assertEquals("dev.senda.cli.Main", main);
        Class.forName(main); // exists in this build
        assertEquals("/opt/senda/jre/bin/java", entrypoint.getFirst(), "the jlink'ed runtime's java");
        assertTrue(entrypoint.contains("@/opt/senda/agent-jvm.args"), "the JVM options of ./senda agent, as an @argfile");
        assertTrue(instructions().stream().anyMatch(i -> i.keyword().equals("COPY")
                && i.args().equals("deploy/agent-jvm.args /opt/senda/")), "the Dockerfile copies the options file there");
        List<String> options = Files.readAllLines(CONTEXT.resolve("deploy/agent-jvm.args")).stream()
                .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
        assertTrue(options.contains("--enable-native-access=ALL-UNNAMED"), "rawbpf's FFM calls need native access");
        // the class-data archive goes where the DaemonSet mounts the host's state directory, so it survives the pod
        String archive = entrypoint.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).findFirst()
                .orElseThrow(() -> new AssertionError("no class-data archive in " + entrypoint)).substring("-XX:SharedArchiveFile=".length());
        assertTrue(entrypoint.contains("-XX:+AutoCreateSharedArchive"), "the JVM writes the archive when missing or stale");
        String stateDir = DeployManifestsTest.arg("--state-dir").orElseThrow();
        assertEquals(stateDir, Path.of(archive).getParent().toString(), "the archive is in the DaemonSet's --state-dir");
        int cp = entrypoint.indexOf("-cp");
        assertTrue(cp > 0 && entrypoint.get(cp + 1).equals("/opt/senda/lib/*"), "class path: the image's jars");
        assertTrue(instructions().stream().anyMatch(i -> i.keyword().equals("COPY") && i.args().endsWith(" /opt/senda")),
                "the runtime stage copies /opt/senda");
        assertEquals(List.of("agent"), execForm("CMD"), "without args the image runs the agent");
    }

    @Test
    void theTagItIsBuiltWithIsTheImageTheDaemonSetRunsAndItsArgsStartTheAgent() throws IOException {
        Matcher m = BUILD_TAG.matcher(Files.readString(DOCKERFILE));
        assertTrue(m.find(), "the Dockerfile says how to build it (docker build ... -t NAME:TAG)");
        var agent = DeployManifestsTest.agent();
        assertEquals(agent.getImage(), m.group(1), "the tag docker build gives vs the DaemonSet's image");
        assertEquals("agent", agent.getArgs().getFirst(), "the DaemonSet's args replace CMD: they must name the subcommand");
    }

    @Test
    void theRuntimeStageInstallsTheLibbpfTheAgentLoadsAndTheScriptsTheBuildsRunAreExecutable() throws IOException {
        List<Instruction> all = instructions();
        int lastFrom = 0;
        for (int i = 0; i < all.size(); i++) if (all.get(i).keyword().equals("FROM")) lastFrom = i;
        assertTrue(all.get(lastFrom).args().startsWith("debian:bookworm"), "runtime stage on Debian 12, as the daemonless build");
        assertTrue(all.subList(lastFrom, all.size()).stream()
                .anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("install") && i.args().contains("libbpf1")),
                "the runtime stage installs libbpf1 (libbpf.so.1)");
        for (String script : List.of("deploy/image/build-oci.sh", "deploy/image/jlink-runtime.sh")) {
            assertTrue(Files.isExecutable(CONTEXT.resolve(script)), script + " is not executable");
        }
    }
}
