package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.testbed.Cgroup2;
import dev.senda.testbed.Testbed;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent container of {@code deploy/daemonset.yaml} as a kubelet would hand it to the runtime, for
 * one testbed node: an OCI bundle's {@code config.json} (from {@code umoci unpack}) rewritten with the
 * DaemonSet's capabilities (bounding, effective and permitted exactly the added ones, nothing
 * inheritable or ambient), {@code allowPrivilegeEscalation: false} as no_new_privs, its host mounts
 * (hostPath volumes bound with the mount's propagation), the host network (here: the testbed node's
 * namespace), the host's PID namespace if it asks for it, and the entrypoint followed by the DaemonSet's args.
 *
 * <p>Where a real node and a testbed node differ, the args are changed and nothing else:
 * {@code --source} reads a mounted directory instead of the API server, {@code --bpffs-root} and
 * {@code --cgroup-root} name the testbed's pin root and cgroup (under the same host mounts), and
 * {@code --pod-devices} names the testbed's veths (a real node's overlay sets it for its CNI).
 */
final class DaemonSetBundle {
    /** Where the container sees the Service and EndpointSlice files. */
    static final String OBJECTS_MOUNT = "/etc/senda/objects";
    private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DaemonSetBundle() {
    }

    static DaemonSet daemonSet() throws IOException {
        return new KubernetesSerialization().unmarshal(
                Files.readString(OciImage.REPO.resolve("deploy/daemonset.yaml")), DaemonSet.class);
    }

    static Container agent(DaemonSet ds) {
        return ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /** "CAP_NET_ADMIN", ... : the capabilities the DaemonSet adds (after dropping ALL). */
    static List<String> capabilities(Container agent) {
        return agent.getSecurityContext().getCapabilities().getAdd().stream().map(c -> "CAP_" + c).toList();
    }

    /**
     * The process's command line: {@code entrypoint} then the DaemonSet's args, {@code $(NODE_NAME)}
     * expanded as the kubelet does, with the testbed's values for the flags a testbed node needs.
     */
    static List<String> args(Container agent, List<String> entrypoint, Testbed tb) throws IOException {
        Map<String, String> env = Map.of("NODE_NAME", tb.nodeName());
        String cgroupMount = mountPathOf(agent, "cgroup2");
        Map<String, String> testbed = new LinkedHashMap<>();
        testbed.put("--source", "dir:" + OBJECTS_MOUNT);
        testbed.put("--bpffs-root", tb.bpffsRoot().toString());
        testbed.put("--cgroup-root", cgroupMount + "/" + Cgroup2.mountPoint().relativize(tb.cgroupDir()));
        testbed.put("--pod-devices", tb.podDeviceGlob());
        List<String> args = new ArrayList<>(entrypoint);
        for (String arg : agent.getArgs()) {
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = testbed.remove(flag);
            args.add(value != null ? flag + "=" + value : expand(arg, env));
        }
        testbed.forEach((flag, value) -> args.add(flag + "=" + value));
        return args;
    }

    private static String expand(String arg, Map<String, String> env) {
        Matcher m = VAR.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
        return m.appendTail(out).toString();
    }

    private static String mountPathOf(Container agent, String volume) {
        return agent.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError("the DaemonSet mounts no volume " + volume)).getMountPath();
    }

    /**
     * Rewrites {@code <bundle>/config.json} to run {@code args} as the DaemonSet's container on the
     * testbed's node, with {@code objectsDir} mounted read-only at {@link #OBJECTS_MOUNT}. Host paths
     * other than bpffs and cgroup2 (e.g. a state directory) are stood in for by directories under
     * {@code hostScratch}, so the test writes nothing of the host's own.
     */
    static void configure(Path bundle, DaemonSet ds, List<String> args, Testbed tb, Path objectsDir, Path hostScratch,
                          String cgroupsPath) throws IOException {
        Container agent = agent(ds);
        Path configFile = bundle.resolve("config.json");
        ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());

        ObjectNode process = (ObjectNode) config.path("process");
        process.put("terminal", false);
        ArrayNode argv = process.putArray("args");
        args.forEach(argv::add);
        ((ArrayNode) process.path("env")).add("NODE_NAME=" + tb.nodeName());
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = caps.putArray(set);
            capabilities(agent).forEach(a::add);
        }
        caps.putArray("inheritable");
        caps.putArray("ambient");
        process.put("noNewPrivileges", !Boolean.TRUE.equals(agent.getSecurityContext().getAllowPrivilegeEscalation()));

        ArrayNode mounts = (ArrayNode) config.path("mounts");
        for (VolumeMount m : agent.getVolumeMounts()) {
            Volume v = ds.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
            String propagation = "HostToContainer".equals(m.getMountPropagation()) ? "rslave" : "rprivate";
            String source = hostSource(v.getHostPath().getPath(), hostScratch.resolve(v.getName()));
            addBind(mounts, m.getMountPath(), source, Boolean.TRUE.equals(m.getReadOnly()), propagation);
        }
        addBind(mounts, OBJECTS_MOUNT, objectsDir.toString(), true, "rprivate");

        ObjectNode linux = (ObjectNode) config.path("linux");
        boolean hostPid = Boolean.TRUE.equals(ds.getSpec().getTemplate().getSpec().getHostPID());
        JsonNode unpacked = linux.path("namespaces").deepCopy();
        ArrayNode namespaces = linux.putArray("namespaces");
        for (JsonNode ns : unpacked) {
            String type = ns.path("type").asText();
            if (type.equals("pid") && hostPid) continue; // the host's PID namespace: no entry
            if (type.equals("network")) ((ObjectNode) ns).put("path", tb.nodeNetnsPath().toString());
            namespaces.add(ns);
        }
        linux.put("cgroupsPath", cgroupsPath);
        JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
    }

    /**
     * The host directory behind a hostPath: bpffs itself (the agent's pins go under the testbed's own
     * root there), the host's cgroup2 mount for {@code /sys/fs/cgroup} (on a hybrid v1/v2 host, as this
     * machine kind, cgroup2 is at {@code /sys/fs/cgroup/unified}), else {@code scratch}, created.
     */
    private static String hostSource(String hostPath, Path scratch) throws IOException {
        return switch (hostPath) {
            case "/sys/fs/bpf" -> hostPath;
            case "/sys/fs/cgroup" -> Cgroup2.mountPoint().toString();
            default -> Files.createDirectories(scratch).toString();
        };
    }

    private static void addBind(ArrayNode mounts, String destination, String source, boolean readOnly, String propagation) {
        ObjectNode m = mounts.addObject();
        m.put("destination", destination);
        m.put("type", "bind");
        m.put("source", source);
        ArrayNode options = m.putArray("options");
        options.add("rbind");
        options.add(readOnly ? "ro" : "rw");
        options.add(propagation);
    }
}
