package dev.senda.testbed.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * One benchmark Service as the agent's directory source reads it: a single-stack IPv4 ClusterIP
 * Service, TCP port {@value #PORT} (named {@value #PORT_NAME}) to target port {@value #TARGET_PORT},
 * and its one EndpointSlice of ready endpoints. Shared by the benchmarks' generators
 * ({@link BenchServices}, {@link ServiceFiles}) so every suite programs the same shape.
 */
final class ServiceYaml {
    static final String PORT_NAME = "http";
    static final int PORT = 80;
    static final int TARGET_PORT = 8080;

    private ServiceYaml() {
    }

    /**
     * @param nodeName the endpoints' {@code nodeName}, or null for none
     */
    static void write(Writer w, String namespace, String name, String vip, List<String> endpoints, String nodeName)
            throws IOException {
        w.write("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + namespace
                + "\nspec:\n  type: ClusterIP\n  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4]\n  clusterIP: " + vip
                + "\n  clusterIPs: [" + vip + "]\n  ports:\n    - name: " + PORT_NAME + "\n      protocol: TCP\n      port: "
                + PORT + "\n      targetPort: " + TARGET_PORT + "\n");
        w.write("---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: " + name + "-1\n  namespace: "
                + namespace + "\n  labels:\n    kubernetes.io/service-name: " + name + "\naddressType: IPv4\nports:\n  - name: "
                + PORT_NAME + "\n    protocol: TCP\n    port: " + TARGET_PORT + "\nendpoints:\n");
        String node = nodeName == null ? "" : "    nodeName: " + nodeName + "\n";
        for (String ip : endpoints) {
            w.write("  - addresses: [" + ip + "]\n    conditions: {ready: true, serving: true, terminating: false}\n" + node);
        }
    }
}
