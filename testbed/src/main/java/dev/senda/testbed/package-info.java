/**
 * A Kubernetes node made of network namespaces, for the demo ({@code senda demo}) and the
 * end-to-end tests in vm-tests: no cluster, no VM, the real agent and real sockets. This module
 * ({@code testbed/}, artifact senda-testbed) depends on the control plane, never the reverse.
 *
 * <ul>
 *   <li>{@link dev.senda.testbed.Testbed}: node namespace, pod namespaces joined by veths, dual-stack
 *       pods ({@link dev.senda.testbed.AddressPlan}: 10.244.N.0/24 and fd00:10:244:N::/64, default
 *       routes of both families through the node), a cgroup for socket LB; everything named with a
 *       per-run prefix {@code sd<4 hex>} and removed on close, on JVM exit, or by the next run after a
 *       kill ({@link dev.senda.testbed.RunMarkers}).</li>
 *   <li>{@link dev.senda.testbed.Cluster}: several such nodes (each a {@code Testbed} with its own pod
 *       ranges, cgroup {@code <prefix>/<node>} and pin root {@code /sys/fs/bpf/<prefix>/<node>}) on one
 *       bridged node network with an external client ({@link dev.senda.testbed.NodeNetworkPlan}:
 *       192.168.K.0/24, fd00:192:168:K::/64, LoadBalancer range 198.18.K.0/24 and fd00:198:18:K::/64
 *       routed through node 1); each node routes the others' pod ranges over that network, or reaches
 *       them through a kernel VXLAN overlay ({@link dev.senda.testbed.PodRouting}).</li>
 *   <li>{@link dev.senda.testbed.Cni}: pods whose network the real CNI plugins make
 *       ({@link dev.senda.testbed.CniPlugin}: bridge or ptp, host-local IPAM), invoked as a container
 *       runtime does, chosen with {@code Testbed.Builder.cni} / {@code Cluster.Builder.cni}.</li>
 *   <li>{@link dev.senda.testbed.EchoServer}: backends answering {@code "<pod> <peer> <port>"} on one
 *       dual-stack socket; {@link dev.senda.testbed.PodClient} / {@link dev.senda.testbed.ClientMain}:
 *       a long-lived client process per pod (optionally inside the cgroup) that reports what the
 *       application saw (answer, getpeername/recvfrom address, error), to IPv4 or IPv6 targets.</li>
 *   <li>{@link dev.senda.testbed.AgentProcess}: {@code senda agent} started with
 *       {@code nsenter --net=} in the node namespace, healthz polled from inside it
 *       ({@link dev.senda.testbed.NetnsHttp}), {@code senda cleanup} always run at the end.</li>
 *   <li>{@link dev.senda.testbed.Netns}: run Java code (create sockets) inside a namespace, with
 *       setns(2) on a throwaway platform thread; {@link dev.senda.testbed.NetnsForwarder} uses it to
 *       put a root-namespace server (the tests' mock API server) on a node namespace's loopback.</li>
 *   <li>{@link dev.senda.testbed.Demo}: the body of {@code senda demo};
 *       {@link dev.senda.testbed.DemoMain} its command line (the launcher runs it).</li>
 * </ul>
 *
 * Everything here needs root (namespaces, cgroups, BPF) and runs with
 * {@code --enable-native-access=ALL-UNNAMED}.
 */
package dev.senda.testbed;
