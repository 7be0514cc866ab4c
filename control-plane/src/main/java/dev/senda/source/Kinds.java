package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.Namespace;
import dev.senda.model.NetworkPolicy;
import dev.senda.model.Node;
import dev.senda.model.Pod;
import dev.senda.model.Service;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The kinds of Kubernetes objects the agent consumes: THE place where a kind is added.
 *
 * <p>Every source delivers exactly {@link #ALL}: {@link KubernetesSource} runs one informer per kind,
 * {@link DirectorySource} (through {@link YamlObjects}) keeps the YAML documents of these kinds and
 * skips the others, the {@link ObjectStore} and {@link dev.senda.model.Snapshot} hold one table per
 * kind. Desired state reads a kind with {@code snapshot.all(Kinds.X)}.
 *
 * <p>To add a kind: write its model record in {@code dev.senda.model} and its converter in
 * {@link Converters}, then declare it here and list it in {@link #ALL}, as {@link #NODE} is.
 * Cluster-scoped kinds work the same way (their refs have namespace "").
 * A kind read by the thousand may also get a shortcut past fabric8's binding (as {@link #SERVICE} and
 * {@link #ENDPOINT_SLICE} have), optional: a {@link TreeReader} in {@link TreeReaders}, for directories,
 * checked against the converter by TreeReadersTest; with it, an {@link ApiTree} class in {@link ApiTrees}
 * for API servers, whose resource names ApiTreesTest checks against the fabric8 class.
 * Nothing else in the sources changes. Grant get, list and watch on the kind's resource in
 * {@code deploy/} too: without them its informer never syncs, and the agent programs nothing (on
 * purpose: a half-delivered state must not prune working Services).
 */
public final class Kinds {
    public static final Kind<io.fabric8.kubernetes.api.model.Service, Service> SERVICE =
            Kind.of(io.fabric8.kubernetes.api.model.Service.class, Service.class, Service::ref, Converters::service,
                    TreeReaders::service, ApiTrees.ServiceTree.class);

    public static final Kind<io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice, EndpointSlice> ENDPOINT_SLICE =
            Kind.of(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class, EndpointSlice.class,
                    EndpointSlice::ref, Converters::endpointSlice, TreeReaders::endpointSlice,
                    ApiTrees.EndpointSliceTree.class);

    public static final Kind<io.fabric8.kubernetes.api.model.Node, Node> NODE =
            Kind.of(io.fabric8.kubernetes.api.model.Node.class, Node.class, Node::ref, Converters::node);

    /** Pods, for NetworkPolicy: labels, IPs, node and named ports ({@link Converters#pod} keeps only those). */
    public static final Kind<io.fabric8.kubernetes.api.model.Pod, Pod> POD =
            Kind.of(io.fabric8.kubernetes.api.model.Pod.class, Pod.class, Pod::ref, Converters::pod);

    /** Namespaces, for NetworkPolicy namespaceSelectors. */
    public static final Kind<io.fabric8.kubernetes.api.model.Namespace, Namespace> NAMESPACE =
            Kind.of(io.fabric8.kubernetes.api.model.Namespace.class, Namespace.class, Namespace::ref,
                    Converters::namespace);

    public static final Kind<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy, NetworkPolicy> NETWORK_POLICY =
            Kind.of(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, NetworkPolicy.class,
                    NetworkPolicy::ref, Converters::networkPolicy);

    /** Every kind the agent consumes, in the order logs list them. */
    public static final List<Kind<?, ?>> ALL =
            checked(List.of(SERVICE, ENDPOINT_SLICE, NODE, POD, NAMESPACE, NETWORK_POLICY));

    private Kinds() {
    }

    /**
     * {@code kinds}, after checking that no two share a model type or an apiVersion and kind (either
     * would make two informers write one table).
     *
     * @throws IllegalArgumentException naming the clash
     */
    static List<Kind<?, ?>> checked(List<Kind<?, ?>> kinds) {
        Set<Class<?>> types = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Kind<?, ?> k : kinds) {
            if (!types.add(k.type())) throw new IllegalArgumentException("two kinds map to " + k.type().getName());
            if (!names.add(k.qualifiedName())) throw new IllegalArgumentException(k.qualifiedName() + " listed twice");
        }
        return List.copyOf(kinds);
    }
}
