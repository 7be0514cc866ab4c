package dev.senda.source;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@link ApiTree} class of each kind whose API objects are read as trees (those with a
 * {@link TreeReader}, named in {@link Kinds}). A class per kind because fabric8 takes a resource's
 * group, version, kind and plural from its class's annotations; they must match the kind's fabric8
 * model class, as {@code ApiTreesTest} checks.
 */
public final class ApiTrees {
    private ApiTrees() {
    }

    /** A core/v1 Service. */
    @Group("")
    @Version("v1")
    @io.fabric8.kubernetes.model.annotation.Kind("Service")
    @Plural("services")
    @JsonDeserialize(using = ServiceTree.Reader.class)
    public static final class ServiceTree extends ApiTree implements Namespaced {
        static final class Reader extends ApiTree.Reader<ServiceTree> {
            Reader() {
                super(ServiceTree.class, ServiceTree::new);
            }
        }
    }

    /** A discovery.k8s.io/v1 EndpointSlice. */
    @Group("discovery.k8s.io")
    @Version("v1")
    @io.fabric8.kubernetes.model.annotation.Kind("EndpointSlice")
    @Plural("endpointslices")
    @JsonDeserialize(using = EndpointSliceTree.Reader.class)
    public static final class EndpointSliceTree extends ApiTree implements Namespaced {
        static final class Reader extends ApiTree.Reader<EndpointSliceTree> {
            Reader() {
                super(EndpointSliceTree.class, EndpointSliceTree::new);
            }
        }
    }
}
