package dev.senda.e2e;

import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.bench.ServiceFiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Many endpoint addresses served by a few backend pods: the endpoint range of {@link ServiceFiles}
 * (10.128.0.0 up) is cut into /17 blocks, and block {@code k} belongs to pod {@code k mod n}. The node
 * routes each block to its pod's address ({@code via <pod IP> onlink}, so the node resolves one
 * neighbour per pod, not one per endpoint: 100,000 neighbour entries would overflow the ARP table), and
 * the pod holds the block as local ({@code ip route add local <block> dev lo}: AnyIP), so the pod's
 * one wildcard echo server ({@code [::]:port}, {@link dev.senda.testbed.EchoServer}) accepts a connection
 * to any address of the block and answers with its pod's name.
 *
 * <p>Works for both datapaths: socket LB connects the client straight to an endpoint address, which
 * the node forwards by these routes; per-packet LB rewrites the VIP at the client's veth and the node
 * forwards the same way. Nothing here needs undoing: the routes live in the node's and the pods'
 * namespaces and go with them.
 */
final class AnyIpBackends {
    /** Addresses per block (/17): 100,000 endpoints make four blocks, so every one of three pods serves some. */
    static final int PREFIX_LENGTH = 17;
    static final int BLOCK = 1 << (32 - PREFIX_LENGTH);

    private final List<Pod> owners;

    private AnyIpBackends(List<Pod> owners) {
        this.owners = List.copyOf(owners);
    }

    /**
     * Routes blocks covering {@code endpointsTotal} addresses from {@link ServiceFiles#FIRST_ENDPOINT}
     * round robin to {@code pods} (each already on the testbed's node).
     */
    static AnyIpBackends route(Testbed tb, List<Pod> pods, long endpointsTotal) throws IOException {
        if (pods.isEmpty()) throw new IllegalArgumentException("no backend pods");
        int blocks = (int) ((endpointsTotal + BLOCK - 1) / BLOCK);
        List<Pod> owners = new ArrayList<>(blocks);
        for (int k = 0; k < blocks; k++) {
            Pod pod = pods.get(k % pods.size());
            String block = ServiceFiles.ipv4(ServiceFiles.FIRST_ENDPOINT + k * BLOCK) + "/" + PREFIX_LENGTH;
            Exec.check("ip", "-n", tb.nodeNetns(), "route", "add", block, "via", pod.ip(), "dev", pod.hostDevice(), "onlink");
            Exec.check("ip", "-n", pod.netns(), "route", "add", "local", block, "dev", "lo");
            owners.add(pod);
        }
        return new AnyIpBackends(owners);
    }

    /** The owner of each block, in block order, by pod name: what {@link VipProbeMain} is told. */
    List<String> ownerNames() {
        return owners.stream().map(Pod::name).toList();
    }

    /** The pods holding at least one of Service {@code i}'s endpoints ({@link ServiceFiles}' numbering). */
    static Set<String> podsOf(List<String> ownerNames, int i, int endpoints) {
        Set<String> pods = new TreeSet<>();
        for (int j = 0; j < endpoints; j++) {
            int block = (ServiceFiles.endpoint(i, endpoints, j) - ServiceFiles.FIRST_ENDPOINT) / BLOCK;
            pods.add(ownerNames.get(block));
        }
        return pods;
    }
}
