package dev.senda.vmdefs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.senda.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The VM definitions (vm-tests/vagrant/Vagrantfile, vm-tests/lima/senda.yaml, the provisioning script)
 * and the k3s script cannot run here (no hypervisor for them, no internet): they are checked
 * statically. The Vagrantfile's blocks balance and it provisions with files that exist; the Lima
 * template parses as YAML with Debian images; the shell scripts pass {@code bash -n}; every
 * {@code senda} command any of them runs is a launcher or CLI subcommand; what the k3s script
 * rewrites in deploy/ is there to rewrite.
 */
class VmDefinitionsTest {
    private static final Path VM_TESTS = Path.of(System.getProperty("user.dir")); // surefire runs in the module
    private static final Path ROOT = VM_TESTS.getParent();
    /** Subcommands the launcher handles itself, before the CLI's. */
    private static final Set<String> LAUNCHER_COMMANDS = Set.of("test", "vm-test", "build", "demo", "bench", "help");
    private static final Pattern SENDA_COMMAND = Pattern.compile("(?:\\./senda|\"\\$ROOT/senda\")[ \\t]+([a-z][a-z-]*(?:[ \\t]+[a-z][a-z-]*)*)");

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative));
    }

    @Test
    void vagrantfileBlocksBalanceAndItProvisionsDebianWithFilesThatExist() throws IOException {
        String v = read("vm-tests/vagrant/Vagrantfile");
        assertTrue(v.contains("Vagrant.configure(\"2\") do |config|"), "a version-2 configuration block");
        int opened = 0;
        int closed = 0;
        for (String raw : v.split("\n")) {
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) continue;
            if (line.matches(".*\\bdo(\\s*\\|[^|]*\\|)?$")) opened++;
            if (line.equals("end")) closed++;
            assertEquals(0, line.chars().filter(ch -> ch == '"').count() % 2, "balanced quotes: " + raw);
        }
        assertTrue(opened > 0);
        assertEquals(opened, closed, "every do ... end block closed");
        Matcher box = Pattern.compile("config\\.vm\\.box = \"([^\"]+)\"").matcher(v);
        assertTrue(box.find() && box.group(1).matches("(debian|ubuntu|generic|bento)/.*(bookworm|debian|ubuntu).*"), "a Debian/Ubuntu box");
        Matcher path = Pattern.compile("path: \"([^\"]+)\"").matcher(v);
        while (path.find()) {
            assertTrue(Files.isRegularFile(ROOT.resolve("vm-tests/vagrant").resolve(path.group(1)).normalize()),
                    "provisioning script exists: " + path.group(1));
        }
        assertTrue(v.contains("./senda test"), "runs the test suite");
    }

    @Test
    void limaTemplateParsesWithDebianImagesAndRunsTheSuite() throws IOException {
        JsonNode lima = new ObjectMapper(new YAMLFactory()).readTree(read("vm-tests/lima/senda.yaml"));
        assertTrue(lima.path("images").size() >= 1, "images");
        for (JsonNode image : lima.path("images")) {
            assertTrue(image.path("location").asText().matches("https://cloud\\.debian\\.org/.*debian-12-.*\\.qcow2"), image.toString());
            assertTrue(Set.of("x86_64", "aarch64").contains(image.path("arch").asText()), image.toString());
        }
        List<String> scripts = new ArrayList<>();
        lima.path("provision").forEach(p -> {
            assertEquals("system", p.path("mode").asText(), "provisioning runs as root");
            scripts.add(p.path("script").asText());
        });
        String all = String.join("\n", scripts);
        assertTrue(all.contains("./senda test"), "runs the test suite");
        assertTrue(all.contains("vm-tests/provision-debian.sh"), "uses the shared provisioning script");
        assertTrue(lima.path("cpus").asInt() >= 2 && lima.path("memory").isTextual());
    }

    @Test
    void shellScriptsParse() throws Exception {
        for (String script : List.of("vm-tests/provision-debian.sh", "vm-tests/k3s/k3s-scenarios.sh")) {
            Path p = ROOT.resolve(script);
            assertTrue(Files.isExecutable(p), script + " is executable");
            Process proc = new ProcessBuilder("bash", "-n", p.toString()).redirectErrorStream(true).start();
            assertTrue(proc.waitFor(10, TimeUnit.SECONDS), "bash -n " + script);
            assertEquals(0, proc.exitValue(), "bash -n " + script + ": " + new String(proc.getInputStream().readAllBytes()));
        }
    }

    @Test
    void everySendaCommandTheyRunExists() throws IOException {
        Set<String> seen = new TreeSet<>();
        for (String file : List.of("vm-tests/vagrant/Vagrantfile", "vm-tests/lima/senda.yaml", "vm-tests/provision-debian.sh",
                "vm-tests/k3s/k3s-scenarios.sh")) {
            Matcher m = SENDA_COMMAND.matcher(read(file));
            while (m.find()) {
                List<String> words = List.of(m.group(1).split("\\s+"));
                seen.add(words.getFirst());
                assertTrue(exists(words), file + " runs `senda " + m.group(1) + "`, which is no launcher or CLI command");
            }
        }
        assertTrue(seen.contains("test") && seen.contains("build"), "found the commands: " + seen);
        // the CLI entry point the image and the k3s script name
        String k3s = read("vm-tests/k3s/k3s-scenarios.sh") + read("vm-tests/k3s/Containerfile");
        assertTrue(k3s.contains(Main.class.getName()));
        assertTrue(exists(List.of("bpf", "lb", "list")), "senda bpf lb list");
    }

    /** Whether the words start with a launcher command, or name a CLI (sub)command path (extra words are arguments). */
    private static boolean exists(List<String> words) {
        if (LAUNCHER_COMMANDS.contains(words.getFirst())) return true;
        CommandLine cmd = Main.commandLine(); // every command (a command line that names one gets that one only)
        CommandLine sub = cmd.getSubcommands().get(words.getFirst());
        if (sub == null) return false;
        for (String w : words.subList(1, words.size())) {
            CommandLine next = sub.getSubcommands().get(w);
            if (next == null) return sub.getSubcommands().isEmpty(); // an argument of a leaf command
            sub = next;
        }
        return true;
    }

    @Test
    void theK3sScriptInstallsWithoutKubeProxyAndRewritesWhatDeployHas() throws IOException {
        String k3s = read("vm-tests/k3s/k3s-scenarios.sh");
        assertTrue(k3s.contains("--disable-kube-proxy"), "k3s without kube-proxy");
        assertTrue(Files.isRegularFile(ROOT.resolve("deploy/kustomization.yaml")), "deploys from deploy/");
        assertTrue(k3s.contains("kustomize \"$ROOT/deploy\""));
        String ds = read("deploy/daemonset.yaml");
        assertTrue(ds.contains("image: senda:latest"), "the image the script replaces");
        assertTrue(ds.contains("--node-devices=eth0"), "the device flag the script replaces");
        assertTrue(ds.contains("name: senda") || read("deploy/kustomization.yaml").contains("senda"), "ds/senda");
        for (String line : read("vm-tests/k3s/Containerfile").split("\n")) {
            if (!line.startsWith("COPY ")) continue;
            String src = line.split("\\s+")[1];
            assertTrue(src.startsWith("control-plane/target/"), "copies what the build makes: " + src);
        }
        assertFalse(k3s.contains("pkill") || k3s.contains("killall"), "ends nothing by name");
    }
}
