package dev.senda.testbed;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The demo's objects, read from {@code examples/}: every object of every {@code *.yaml} there (the
 * agent gets them all), the Service {@value #SERVICE} and its EndpointSlices (one per address
 * family, as the EndpointSlice controller writes them for a dual-stack Service).
 *
 * <p>Writing goes to the agent's source directory, one object per file, renamed into place so the
 * directory watch never reads half a file.
 */
final class DemoExamples {
    static final String DEMO_FILE = "demo-service.yaml";
    static final String SERVICE = "echo";

    private final KubernetesSerialization yaml = new KubernetesSerialization();
    private final List<HasMetadata> objects;
    private final Service service;
    private final List<EndpointSlice> slices;

    private DemoExamples(List<HasMetadata> objects, Service service, List<EndpointSlice> slices) {
        this.objects = List.copyOf(objects);
        this.service = service;
        this.slices = List.copyOf(slices);
    }

    /**
     * Reads every {@code *.yaml}/{@code *.yml} of {@code dir} (sorted by name).
     *
     * @throws IOException when {@value #DEMO_FILE} is missing, or the Service or any of its slices is
     */
    static DemoExamples read(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(DEMO_FILE))) {
            throw new IOException("no " + dir.resolve(DEMO_FILE) + " (run from the repository, or set -Dsenda.home)");
        }
        KubernetesSerialization yaml = new KubernetesSerialization();
        List<HasMetadata> all = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            found.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) collect(yaml.unmarshal(new ByteArrayInputStream(Files.readAllBytes(f))), all);
        Service service = all.stream().filter(o -> o instanceof Service && SERVICE.equals(o.getMetadata().getName()))
                .map(Service.class::cast).findFirst()
                .orElseThrow(() -> new IOException("examples/" + DEMO_FILE + " has no Service '" + SERVICE + "'"));
        List<EndpointSlice> slices = all.stream().filter(o -> o instanceof EndpointSlice).map(EndpointSlice.class::cast)
                .filter(s -> SERVICE.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))).toList();
        if (slices.isEmpty()) throw new IOException("examples/" + DEMO_FILE + " has no EndpointSlice of Service '" + SERVICE + "'");
        return new DemoExamples(all, service, slices);
    }

    private static void collect(Object node, List<HasMetadata> into) {
        if (node instanceof HasMetadata h) into.add(h);
        else if (node instanceof Collection<?> c) c.forEach(o -> collect(o, into));
    }

    List<HasMetadata> objects() {
        return objects;
    }

    Service service() {
        return service;
    }

    String serviceName() {
        return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    }

    /** The Service's cluster IP of {@code family} (spec.clusterIPs, canonical text), if it has one. */
    Optional<String> clusterIp(IpFamily family) {
        List<String> ips = service.getSpec().getClusterIPs() != null && !service.getSpec().getClusterIPs().isEmpty()
                ? service.getSpec().getClusterIPs() : List.of(service.getSpec().getClusterIP());
        return ips.stream().flatMap(ip -> IpAddress.parse(ip).stream()).filter(a -> a.family() == family)
                .map(IpAddress::toString).findFirst();
    }

    /** The Service's first port of {@code protocol} ("TCP", "UDP"). */
    ServicePort port(String protocol) throws IOException {
        return service.getSpec().getPorts().stream().filter(p -> protocol.equals(p.getProtocol())).findFirst()
                .orElseThrow(() -> new IOException("Service " + serviceName() + " has no " + protocol + " port"));
    }

    /**
     * The slices must name the demo's pods by the addresses this node gave them, in each slice's
     * address family.
     */
    void checkSlicesMatch(Testbed tb, List<String> backends) throws IOException {
        for (EndpointSlice slice : slices) {
            IpFamily family = IpFamily.ofApiName(slice.getAddressType()).orElseThrow(() -> new IOException(
                    "examples/" + DEMO_FILE + ": slice " + slice.getMetadata().getName() + " has addressType "
                            + slice.getAddressType() + ", not IPv4 or IPv6"));
            for (Endpoint e : slice.getEndpoints()) {
                String name = e.getTargetRef() != null ? e.getTargetRef().getName() : null;
                String ip = e.getAddresses().getFirst();
                if (name == null || !backends.contains(name) || !tb.pod(name).ip(family).equals(ip)) {
                    throw new IOException("examples/" + DEMO_FILE + ": endpoint " + ip + " (" + name + ") of slice "
                            + slice.getMetadata().getName() + " is not one of the demo pods " + tb.pods());
                }
            }
        }
    }

    /** Writes every object into the agent's source directory. */
    void writeAll(Path dir) throws IOException {
        for (HasMetadata o : objects) write(dir, o);
    }

    /** Rewrites every slice of the Service with only the endpoints of {@code pods}; returns the files written. */
    List<String> writeSlicesWith(Path dir, Collection<String> pods) throws IOException {
        List<String> files = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            write(dir, new EndpointSliceBuilder(slice)
                    .withEndpoints(slice.getEndpoints().stream()
                            .filter(e -> e.getTargetRef() != null && pods.contains(e.getTargetRef().getName())).toList())
                    .build());
            files.add(fileName(slice));
        }
        return files;
    }

    private static String fileName(HasMetadata o) {
        return o.getKind().toLowerCase() + "-" + o.getMetadata().getNamespace() + "-" + o.getMetadata().getName() + ".yaml";
    }

    /**
     * One object per file; written beside and renamed into place, so the agent's directory watch
     * never reads half a file (files starting with '.' are ignored by the directory source).
     */
    private void write(Path dir, HasMetadata o) throws IOException {
        Path target = dir.resolve(fileName(o));
        Path tmp = dir.resolve("." + fileName(o) + ".tmp");
        Files.writeString(tmp, yaml.asYaml(o), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
