package dev.senda.testbed.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Services a benchmark run programs: {@code count} single-stack IPv4 ClusterIP Services
 * {@code bench/svc-NNNNN}, TCP port {@value #PORT} (named {@value #PORT_NAME}) to target port
 * {@value #TARGET_PORT}, each with the same ready endpoints (one per backend pod), so that
 * every datapath holds count x endpoints entries while one set of servers answers them all.
 *
 * <p>Cluster IPs are 10.96.0.0/16 from 10.96.1.1 up (250 per third octet), which exist only
 * inside the run's namespaces. {@link #last()} is the one the client connects to: the last rule
 * of iptables' linear KUBE-SERVICES chain.
 *
 * @param count     number of Services (1..60,000)
 * @param endpoints the backend pods' IPv4 addresses, in order
 */
record BenchServices(int count, List<String> endpoints) {
    static final String NAMESPACE = "bench";
    static final String PORT_NAME = ServiceYaml.PORT_NAME;
    static final int PORT = ServiceYaml.PORT;
    static final int TARGET_PORT = ServiceYaml.TARGET_PORT;
    /** The pod range kube-proxy would be given as --cluster-cidr (every testbed's pods are inside it). */
    static final String CLUSTER_CIDR = "10.244.0.0/16";
    /** Services per YAML file: keeps each file far below the directory source's size bound. */
    private static final int PER_FILE = 500;

    BenchServices {
        if (count < 1 || count > 60_000) throw new IllegalArgumentException("service count " + count + " is not 1..60000");
        if (endpoints.isEmpty()) throw new IllegalArgumentException("no endpoints");
        endpoints = List.copyOf(endpoints);
    }

    /** One Service of the set. */
    record Service(int index, String name, String vip) {
        /** kube-proxy's service port name, {@code namespace/name:port}. */
        String portName() {
            return NAMESPACE + "/" + name + ":" + PORT_NAME;
        }
    }

    Service service(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return new Service(i, String.format("svc-%05d", i), "10.96." + (1 + i / 250) + "." + (1 + i % 250));
    }

    List<Service> all() {
        List<Service> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) all.add(service(i));
        return all;
    }

    Service last() {
        return service(count - 1);
    }

    /**
     * Writes every Service and its EndpointSlice as YAML for the agent's directory source, in files
     * {@code services-NNN.yaml} of at most {@value #PER_FILE} Services each.
     */
    void writeYaml(Path dir, String nodeName) throws IOException {
        Files.createDirectories(dir);
        for (int from = 0; from < count; from += PER_FILE) {
            Path file = dir.resolve(String.format("services-%03d.yaml", from / PER_FILE));
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = from; i < Math.min(count, from + PER_FILE); i++) writeOne(w, service(i), nodeName);
            }
        }
    }

    private void writeOne(Writer w, Service s, String nodeName) throws IOException {
        ServiceYaml.write(w, NAMESPACE, s.name(), s.vip(), endpoints, nodeName);
    }
}
