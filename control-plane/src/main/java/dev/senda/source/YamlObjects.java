package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads Services and EndpointSlices out of (multi-document) Kubernetes YAML or JSON with fabric8's
 * deserializer, the same one the API client uses, so a file means what {@code kubectl apply} would
 * make of it. Used by {@link DirectorySource} and by the golden tests.
 */
public final class YamlObjects {
    /** Where kubectl puts an object whose manifest names no namespace. */
    public static final String DEFAULT_NAMESPACE = "default";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private YamlObjects() {
    }

    /**
     * What one text held.
     *
     * @param ignored one human-readable line per document that was not a Service or a
     *                discovery.k8s.io/v1 EndpointSlice (or had no name), for a log line
     */
    public record Parsed(List<Service> services, List<EndpointSlice> endpointSlices, List<String> ignored) {
        public Parsed {
            services = List.copyOf(services);
            endpointSlices = List.copyOf(endpointSlices);
            ignored = List.copyOf(ignored);
        }
    }

    /** The text could not be read as Kubernetes objects at all (YAML syntax, wrong field types). */
    public static final class ParseException extends Exception {
        public ParseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses every document of {@code text}. Objects without a namespace land in
     * {@value #DEFAULT_NAMESPACE}. A "List" document contributes its items.
     *
     * @throws ParseException when any document is not readable: the text is all or nothing, so a
     *                        half-written file never contributes half of its objects
     */
    public static Parsed parse(String text) throws ParseException {
        Object root;
        try {
            root = SERIALIZATION.unmarshal(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // Jackson/SnakeYAML messages carry line and column: keep them for the log line.
            throw new ParseException(oneLine(e.getMessage()), e);
        }
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        collect(root, services, slices, ignored, 0);
        return new Parsed(services, slices, ignored);
    }

    private static void collect(Object node, List<Service> services, List<EndpointSlice> slices,
                                List<String> ignored, int depth) {
        if (node == null) return; // an empty document
        if (depth > 4) {
            ignored.add("lists nested too deeply");
            return;
        }
        if (node instanceof Collection<?> documents) {
            for (Object d : documents) collect(d, services, slices, ignored, depth + 1);
        } else if (node instanceof KubernetesResourceList<?> list) {
            if (list.getItems() != null) {
                for (Object d : list.getItems()) collect(d, services, slices, ignored, depth + 1);
            }
        } else if (node instanceof io.fabric8.kubernetes.api.model.Service svc) {
            if (named(svc, ignored)) services.add(Converters.service(svc));
        } else if (node instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) {
            if (named(slice, ignored)) slices.add(Converters.endpointSlice(slice));
        } else if (node instanceof HasMetadata other) {
            ignored.add(other.getApiVersion() + " " + other.getKind() + " " + nameOf(other.getMetadata()));
        } else {
            ignored.add("a document without apiVersion/kind");
        }
    }

    /** Defaults the namespace in place; false (and a note) when the object has no name. */
    private static boolean named(HasMetadata o, List<String> ignored) {
        ObjectMeta meta = o.getMetadata();
        if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
            ignored.add(o.getKind() + " without metadata.name");
            return false;
        }
        if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) meta.setNamespace(DEFAULT_NAMESPACE);
        return true;
    }

    private static String nameOf(ObjectMeta meta) {
        return meta == null ? "?" : (meta.getNamespace() == null ? "" : meta.getNamespace() + "/") + meta.getName();
    }

    /** The parser's message on one line, bounded (SnakeYAML's span several lines with a caret). */
    private static String oneLine(String s) {
        if (s == null) return "unreadable";
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}
