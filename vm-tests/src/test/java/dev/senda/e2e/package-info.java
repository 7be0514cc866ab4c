/**
 * End-to-end tests: the real {@code senda agent} process in a {@link dev.senda.testbed.Testbed}
 * node, Services and EndpointSlices created on fabric8's mock API server (CRUD mode), real TCP/UDP
 * clients in pod namespaces. Scenarios are named after the Kubernetes e2e Service tests and run in
 * both datapath modes ({@link dev.senda.e2e.SocketLbServicesE2eTest},
 * {@link dev.senda.e2e.PerPacketServicesE2eTest}); {@link dev.senda.e2e.AgentLifecycleE2eTest}
 * covers SIGTERM, restart, {@code bpf lb list}, cleanup and switching modes. {@link dev.senda.e2e.CniServicesE2e}
 * runs Service scenarios on pod networks made by real CNI plugins ({@link dev.senda.e2e.CniLayout}),
 * {@link dev.senda.e2e.ClusterDnsE2e} and {@link dev.senda.e2e.NginxIngressE2e} put Debian's dnsmasq and
 * nginx in pods behind Services.
 *
 * <p>How the pieces reach each other: the agent runs in the node namespace and finds the API server
 * at {@code http://127.0.0.1:6443} on that namespace's loopback; a
 * {@link dev.senda.testbed.NetnsForwarder} (listening socket created inside the node namespace)
 * carries those connections to the mock, which listens on the test JVM's loopback. /healthz and
 * /metrics are bound to the node namespace's loopback too and read from inside it. Logs of every
 * run (agent, clients) are kept under {@code vm-tests/target/e2e/<TestClass>/}.
 *
 * <p>All tests here are {@code @Tag("privileged")}: they fail, never skip, without root.
 */
package dev.senda.e2e;
