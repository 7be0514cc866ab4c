package dev.senda.bench;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.Snapshot;
import dev.senda.model.TargetPort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster every suite measures, as kube-proxy's scale tests shape it: {@code services} ClusterIP
 * Services of one TCP port (80 -> 8080), each with one EndpointSlice of {@link #ENDPOINTS_PER_SERVICE}
 * ready IPv4 endpoints, every address distinct. Service {@code i} (from 0) has the cluster IP
 * {@code 10.96.0.0 + i + 1} and its endpoints {@code 10.128.0.0 + 10 i + j + 1}, so up to a million
 * Services fit without a clash; the last Service is the one the datapath suite sends to.
 *
 * @param services how many Services
 */
public record Workload(int services) {
    public static final int ENDPOINTS_PER_SERVICE = 10;
    public static final int SERVICE_PORT = 80;
    public static final int TARGET_PORT = 8080;
    public static final String NODE_NAME = "bench-node";
    /** The node desired state is computed for (no Node object: cluster IPs need none). */
    public static final NodeInfo NODE = new NodeInfo(NODE_NAME);
    private static final int VIP_BASE = (10 << 24) | (96 << 16);
    private static final int ENDPOINT_BASE = (10 << 24) | (128 << 16);

    public Workload {
        if (services < 1 || services > 1_000_000) throw new IllegalArgumentException("services " + services);
    }

    /** Endpoints in all: the size the tables report. */
    public int endpoints() {
        return services * ENDPOINTS_PER_SERVICE;
    }

    /** Cluster IP of Service {@code i}, as an int (host order). */
    public static int vip(int i) {
        return VIP_BASE + i + 1;
    }

    /** Address of endpoint {@code j} of Service {@code i}, as an int (host order). */
    public static int endpoint(int i, int j) {
        return ENDPOINT_BASE + i * ENDPOINTS_PER_SERVICE + j + 1;
    }

    public static String dotted(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    public static ObjectRef serviceRef(int i) {
        return new ObjectRef("bench", "svc-" + i);
    }

    public static ObjectRef sliceRef(int i) {
        return new ObjectRef("bench", "svc-" + i + "-1");
    }

    /** Every Service and EndpointSlice. */
    public Snapshot snapshot() {
        List<Service> svcs = new ArrayList<>(services);
        List<EndpointSlice> slices = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            svcs.add(service(i));
            slices.add(slice(i, -1));
        }
        return Snapshot.of(svcs, slices);
    }

    /**
     * The same objects with one endpoint of the last Service moved to another address (as a pod
     * replaced): the change an incremental sync should cost little for.
     */
    public Snapshot withOneEndpointMoved() {
        List<Service> svcs = new ArrayList<>(services);
        List<EndpointSlice> slices = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            svcs.add(service(i));
            slices.add(slice(i, i == services - 1 ? 0 : -1));
        }
        return Snapshot.of(svcs, slices);
    }

    private static Service service(int i) {
        return Service.clusterIp(serviceRef(i), dotted(vip(i)),
                List.of(new ServicePort("http", "TCP", SERVICE_PORT, new TargetPort.Number(TARGET_PORT), null)));
    }

    /** Slice of Service {@code i}; endpoint {@code moved} (or none when -1) gets an address in 10.200/16. */
    private static EndpointSlice slice(int i, int moved) {
        List<Endpoint> eps = new ArrayList<>(ENDPOINTS_PER_SERVICE);
        for (int j = 0; j < ENDPOINTS_PER_SERVICE; j++) {
            int addr = j == moved ? (10 << 24) | (200 << 16) | 1 : endpoint(i, j);
            eps.add(new Endpoint(List.of(dotted(addr)), new EndpointConditions(true, true, false), NODE_NAME,
                    null, null));
        }
        return new EndpointSlice(sliceRef(i), Map.of(EndpointSlice.SERVICE_NAME_LABEL, serviceRef(i).name()),
                serviceRef(i).name(), "IPv4", List.of(new SlicePort("http", "TCP", TARGET_PORT, null)), eps);
    }
}
