package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Exec;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container image as a cluster would run it: built without a daemon ({@code deploy/image/build-oci.sh},
 * once for the class), unpacked into an OCI runtime bundle with {@code umoci}, configured as the kubelet
 * would configure {@code deploy/daemonset.yaml}'s container ({@link DaemonSetBundle}: its capabilities
 * and nothing more, its host mounts, the host network, its args) and run with {@code runc} in a testbed
 * node's network namespace. The agent inside must program a Service that clients then reach, through
 * both datapaths, and the datapath must outlive the container as the DaemonSet's update strategy
 * assumes. Prints the image's size and the time from container start to {@code /healthz} 200.
 */
@Tag("privileged")
class ContainerImageE2eTest {
    private static final Set<String> BACKENDS = Set.of("echo-a", "echo-b");
    /** Bound for the agent to apply a change of its files and for a client to see it. */
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    private static final int UDP_SOURCE_PORT = 40053;
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Pattern EXEC_ARRAY = Pattern.compile("(?m)^(ENTRYPOINT|CMD) (\\[.*])\\s*$");
    private static OciImage image;

    @BeforeAll
    static void buildImage() throws Exception {
        Privileged.requireRoot();
        for (String tool : List.of("umoci", "runc")) {
            assertTrue(Exec.run(Duration.ofSeconds(10), "sh", "-c", "command -v " + tool).ok(),
                    tool + " is missing: ./senda test installs it (apt-get install " + tool + ")");
        }
        Path dir = Privileged.logDir(ContainerImageE2eTest.class.getSimpleName());
        long t0 = System.nanoTime();
        image = OciImage.build(dir.resolve("senda-image-oci.tar"), dir.resolve("build-oci.log"));
        E2eNode.log(String.format("image %s built in %.0f s: archive %.1f MB", image.archive(),
                (System.nanoTime() - t0) / 1e9, Files.size(image.archive()) / 1e6));
    }

    @AfterAll
    static void removeLayout() throws IOException {
        if (image != null) image.deleteLayout();
    }

    @Test
    @DisplayName("the image's agent, with only the DaemonSet's capabilities and mounts, programs a Service on the node")
    void imageRunsAsTheDaemonSetSays() throws Exception {
        DaemonSet ds = DaemonSetBundle.daemonSet();
        String dsImage = DaemonSetBundle.agent(ds).getImage();
        assertEquals(dsImage.substring(dsImage.lastIndexOf(':') + 1), image.tag(), "the archive's tag is the DaemonSet's");
        JsonNode config = image.config();
        assertEquals(dockerfileArray("ENTRYPOINT"), strings(config.path("Entrypoint")), "entrypoint: build-oci.sh vs Dockerfile");
        assertEquals(dockerfileArray("CMD"), strings(config.path("Cmd")), "command: build-oci.sh vs Dockerfile");

        Path logDir = Privileged.logDir(getClass().getSimpleName());
        try (Testbed tb = Testbed.builder().pods("echo-a", "echo-b", "client").logDir(logDir).build()) {
            for (String b : BACKENDS) {
                tb.startEchoServer(tb.pod(b), Proto.TCP, E2eNode.ECHO);
                tb.startEchoServer(tb.pod(b), Proto.UDP, E2eNode.ECHO);
            }
            Path work = logDir.resolve(tb.prefix() + "-image");
            Path objects = Files.createDirectories(work.resolve("objects"));
            tb.closeFirst(() -> OciImage.deleteTree(work)); // last: after the container and the pins
            String vip = "10.96." + new SecureRandom().nextInt(256) + ".10";
            writeObjects(objects, vip, List.of(tb.pod("echo-a"), tb.pod("echo-b")));

            Path bundle = work.resolve("bundle");
            image.unpack(bundle);
            List<String> args = DaemonSetBundle.args(DaemonSetBundle.agent(ds), strings(config.path("Entrypoint")), tb);
            String id = "senda-image-" + tb.prefix();
            DaemonSetBundle.configure(bundle, ds, args, tb, objects, work.resolve("host"), "/" + id);
            E2eNode.log("container " + id + ": " + String.join(" ", args));

            // pins and attachments go with `senda cleanup` once the container is gone (run from the host's build)
            tb.closeFirst(() -> Exec.run(Duration.ofSeconds(60), AgentProcess.javaCommand(tb, "cleanup",
                    "--bpffs-root", tb.bpffsRoot().toString(), "--cgroup-root", tb.cgroupDir().toString())
                    .toArray(String[]::new)).check());
            Path containerLog = work.resolve("container.log");
            long t0 = System.nanoTime();
            RuncContainer container = RuncContainer.run(id, bundle, containerLog);
            tb.closeFirst(container);
            long healthyMillis = awaitHealthz(tb, container, containerLog, t0);
            E2eNode.log(String.format("image: archive %.1f MB, root file system %.1f MB; container start to /healthz 200: %d ms",
                    Files.size(image.archive()) / 1e6, OciImage.treeBytes(bundle.resolve("rootfs")) / 1e6, healthyMillis));

            // exactly the DaemonSet's capabilities, and no way to gain more
            String status = Files.readString(Path.of("/proc", Long.toString(container.pid()), "status"));
            long granted = DaemonSetBundle.capabilities(DaemonSetBundle.agent(ds)).stream()
                    .mapToLong(c -> 1L << capabilityBit(c)).reduce(0, (a, b) -> a | b);
            for (String set : List.of("CapEff", "CapPrm", "CapBnd")) assertEquals(granted, field(status, set), set + " of the agent");
            for (String set : List.of("CapInh", "CapAmb")) assertEquals(0, field(status, set), set + " of the agent");
            assertEquals(1, field(status, "NoNewPrivs"), "no_new_privs (allowPrivilegeEscalation: false)");

            // socket LB for a client in the node's cgroup, tc for one outside it
            Pod client = tb.pod("client");
            new Traffic(tb, true).awaitServedBy(Proto.TCP, client, vip, 80, BACKENDS);
            new Traffic(tb, true).awaitServedBy(Proto.UDP, client, vip, 53, BACKENDS);
            new Traffic(tb, false).awaitServedBy(Proto.TCP, client, vip, 80, BACKENDS);
            assertTrue(Files.isDirectory(tb.bpffsRoot()), "no pins under the host's " + tb.bpffsRoot());

            // A connected UDP socket whose backend leaves is closed by the agent, so its client moves on. The
            // agent finds the pod's socket through the host's PIDs of its cgroup: in a PID namespace of its own
            // it would find none, and the client would stay with the departed backend.
            Pod kept;
            try (UdpStream stream = UdpStream.start(tb, client, true, vip, 53, UDP_SOURCE_PORT)) {
                Instant start = Instant.now();
                Poll.until(CONVERGE, () -> stream.firstAnswerFrom(tb.pod("echo-a"), start).isPresent()
                        || stream.firstAnswerFrom(tb.pod("echo-b"), start).isPresent(), () -> "no UDP answer:\n" + stream.tail(start, 10));
                Pod left = stream.firstAnswerFrom(tb.pod("echo-a"), start).isPresent() ? tb.pod("echo-a") : tb.pod("echo-b");
                kept = left.name().equals("echo-a") ? tb.pod("echo-b") : tb.pod("echo-a");
                Instant changed = Instant.now();
                writeSlice(objects, List.of(kept));
                Poll.until(CONVERGE, () -> stream.firstAnswerFrom(kept, changed).isPresent(),
                        () -> "the connected UDP client still talks to " + left.name() + " after it left the Service:\n"
                                + stream.tail(changed, 10) + "\n" + tail(containerLog));
                E2eNode.log("connected UDP client moved from " + left.name() + " to " + kept.name() + " "
                        + Duration.between(changed, stream.firstAnswerFrom(kept, changed).orElseThrow()).toMillis()
                        + " ms after " + left.name() + " left the Service");
            }

            // SIGTERM, as the kubelet stops the pod: the container ends, the datapath stays on the host
            container.stop(Duration.ofSeconds(30));
            container.close();
            assertEquals("absent", container.status(), "runc still knows " + id);
            Traffic.Tally after = new Traffic(tb, true).tally(Proto.TCP, client, vip, 80, 12);
            assertTrue(after.failures().isEmpty() && after.pods().equals(Set.of(kept.name())),
                    "forwarding after the container stopped: " + after);
            String log = Files.readString(containerLog);
            assertFalse(log.contains("Exception"), "the agent logged an exception:\n" + log);
        }
    }

    /** Polls {@code /healthz} in the node's namespace (the DaemonSet binds it on every address there). */
    private static long awaitHealthz(Testbed tb, RuncContainer container, Path log, long t0) throws IOException {
        long deadline = t0 + E2eNode.AGENT_READY.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!container.status().equals("running")) {
                throw new AssertionError("the container stopped before /healthz answered 200:\n" + Files.readString(log));
            }
            try {
                NetnsHttp.Response r = NetnsHttp.get(tb.nodeNetnsPath(), "127.0.0.1", AgentProcess.HEALTHZ_PORT, "/healthz",
                        Duration.ofSeconds(2));
                if (r.status() == 200) return (System.nanoTime() - t0) / 1_000_000;
                last = r.status() + " " + r.body().strip();
            } catch (IOException e) {
                last = e.getMessage();
            }
            Traffic.sleep(100);
        }
        throw new AssertionError("/healthz not 200 within " + E2eNode.AGENT_READY + " (last: " + last + ")\n" + Files.readString(log));
    }

    /** The Service (TCP 80 and UDP 53 to the echo port) and its EndpointSlice, as files of the directory source. */
    private static void writeObjects(Path dir, String vip, List<Pod> backends) throws IOException {
        Files.writeString(dir.resolve("service.yaml"), YAML.asYaml(service("image", vip,
                port("http", "TCP", 80, E2eNode.ECHO), port("dns", "UDP", 53, E2eNode.ECHO))));
        writeSlice(dir, backends);
    }

    /** Replaces the slice's file in one rename, so the agent never reads half of it. */
    private static void writeSlice(Path dir, List<Pod> backends) throws IOException {
        Path next = dir.resolve("endpointslice.yaml.next");
        Files.writeString(next, YAML.asYaml(slice("image", "image-1",
                List.of(slicePort("http", "TCP", E2eNode.ECHO), slicePort("dns", "UDP", E2eNode.ECHO)), backends)));
        Files.move(next, dir.resolve("endpointslice.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static List<String> dockerfileArray(String instruction) throws IOException {
        Matcher m = EXEC_ARRAY.matcher(Files.readString(OciImage.REPO.resolve("deploy/image/Dockerfile")));
        while (m.find()) {
            if (m.group(1).equals(instruction)) return strings(new ObjectMapper().readTree(m.group(2)));
        }
        throw new AssertionError("no " + instruction + " [...] in the Dockerfile");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A hex mask (CapEff ...) or a number (NoNewPrivs) of a /proc/PID/status line. */
    private static long field(String status, String name) {
        String value = status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in the status")).substring(name.length() + 1).strip();
        return name.startsWith("Cap") ? HexFormat.fromHexDigitsToLong(value) : Long.parseLong(value);
    }

    /** The bit of a capability in the status masks (linux/capability.h). */
    private static int capabilityBit(String cap) {
        return switch (cap) {
            case "CAP_NET_ADMIN" -> 12;
            case "CAP_SYS_PTRACE" -> 19;
            case "CAP_SYS_ADMIN" -> 21;
            case "CAP_PERFMON" -> 38;
            case "CAP_BPF" -> 39;
            default -> throw new AssertionError("the DaemonSet grants " + cap + ", which this test does not know");
        };
    }
}
