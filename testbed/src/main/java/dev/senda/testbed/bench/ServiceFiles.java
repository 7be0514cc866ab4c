package dev.senda.testbed.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code services} ClusterIP Services with {@code endpoints} ready IPv4 endpoints each as YAML
 * files for the agent's directory source, {@value #SERVICES_PER_FILE} Services (and their
 * EndpointSlices) per file so no file comes near the source's size bound.
 *
 * <p>Service {@code i} (from 0) is {@code bench/svc-<i>} on cluster IP 10.96.0.0 + i + 1, shaped as
 * {@link ServiceYaml} writes it; its endpoint {@code j} is 10.128.0.0 + i x endpoints + j. No address has to
 * exist: the agent programs them whether or not anything answers.
 */
public final class ServiceFiles {
    public static final int SERVICES_PER_FILE = 500;
    /** 10.96.0.0/12 holds 2^20 cluster IPs; 10.128.0.0/9 2^23 endpoints. */
    public static final int MAX_SERVICES = (1 << 20) - 2;
    public static final int MAX_ENDPOINTS_TOTAL = 1 << 23;
    /** Every Service's port (TCP) and its endpoints' target port. */
    public static final int PORT = ServiceYaml.PORT;
    public static final int TARGET_PORT = ServiceYaml.TARGET_PORT;
    /** The first endpoint address, 10.128.0.0, as an unsigned 32-bit value in an int. */
    public static final int FIRST_ENDPOINT = 0x0A800000;

    private ServiceFiles() {
    }

    /**
     * Writes the files into {@code dir} (created if missing).
     *
     * @return the number of files written
     */
    public static int write(Path dir, int services, int endpoints) throws IOException {
        if (services < 1 || services > MAX_SERVICES) throw new IllegalArgumentException("services " + services);
        if (endpoints < 1 || (long) services * endpoints > MAX_ENDPOINTS_TOTAL) {
            throw new IllegalArgumentException("endpoints " + endpoints + " x services " + services);
        }
        Files.createDirectories(dir);
        int files = 0;
        for (int first = 0; first < services; first += SERVICES_PER_FILE) {
            int last = Math.min(services, first + SERVICES_PER_FILE);
            Path file = dir.resolve(String.format("services-%06d.yaml", first));
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = first; i < last; i++) writeService(w, i, endpoints);
            }
            files++;
        }
        return files;
    }

    private static void writeService(Writer w, int i, int endpoints) throws IOException {
        List<String> addresses = new ArrayList<>(endpoints);
        for (int j = 0; j < endpoints; j++) addresses.add(ipv4(endpoint(i, endpoints, j)));
        ServiceYaml.write(w, "bench", String.format("svc-%06d", i), ipv4(vip(i)), addresses, null);
    }

    /** Service {@code i}'s cluster IP, 10.96.0.0 + i + 1, as an unsigned 32-bit value in an int. */
    public static int vip(int i) {
        return 0x0A600000 + i + 1;
    }

    /** Endpoint {@code j} of Service {@code i} when every Service has {@code endpoints}: 10.128.0.0 + i x endpoints + j. */
    public static int endpoint(int i, int endpoints, int j) {
        return FIRST_ENDPOINT + i * endpoints + j;
    }

    /** Dotted-quad text of an IPv4 address held in an int. */
    public static String ipv4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
