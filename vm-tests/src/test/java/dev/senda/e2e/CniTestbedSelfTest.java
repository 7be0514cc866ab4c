package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each CNI layout without Senda: pods made by the real plugins get host-local addresses of both
 * families in their node's ranges and a {@code veth*} on the node; pods on different nodes talk across
 * the layout's node-to-node path (routes or the VXLAN overlay) in both families and transports, with
 * no NAT on the way; the external client reaches a pod; and closing removes every namespace and
 * host-local's state.
 */
@Tag("privileged")
class CniTestbedSelfTest {
    private static final Duration T = Duration.ofSeconds(3);

    @ParameterizedTest
    @EnumSource(CniLayout.class)
    void podsMadeByTheCniPluginsTalkAcrossNodesAndLeaveNothingBehind(CniLayout layout) throws Exception {
        E2eCluster c = E2eCluster.create("CniTestbedSelfTest-" + layout, layout);
        String prefix = c.cluster.prefix();
        Path cniState = Path.of("/run/senda-testbed/cni", prefix);
        try (c) {
            assertTrue(Files.isDirectory(cniState.resolve(E2eCluster.NODE1)), "host-local keeps its state per run and node");
            for (Pod p : List.of(c.echo1a, c.client1, c.echo2a, c.client2)) {
                assertTrue(p.hostDevice().startsWith("veth"), p + ": host device from the plugin's result");
                var node = c.cluster.nodeOf(p);
                assertTrue(p.ip().startsWith(node.podCidr().substring(0, node.podCidr().lastIndexOf('.') + 1)), p + " in " + node.podCidr());
                String links = Exec.check("ip", "-n", node.nodeNetns(), "-o", "link", "show", p.hostDevice()).stdout();
                assertTrue(links.contains(p.hostDevice()), p.hostDevice() + " exists on " + node.nodeName());
            }
            for (IpFamily f : IpFamily.values()) {
                for (Proto proto : Proto.values()) {
                    for (Pod[] pair : new Pod[][]{{c.client1, c.echo2a}, {c.client2, c.echo1b}, {c.client1, c.echo1a}}) {
                        ClientResult r = c.cluster.request(proto, pair[0], pair[1].ip(f), E2eNode.ECHO, false, T);
                        assertEquals(pair[1].name() + " " + pair[0].ip(f) + " " + E2eNode.ECHO, r.answer(),
                                layout + " " + proto + " " + pair[0].name() + " -> " + pair[1].name() + " " + f + ": " + r);
                    }
                }
                ClientResult ext = c.cluster.request(Proto.TCP, c.external, c.echo2b.ip(f), E2eNode.ECHO, false, T);
                assertEquals(c.echo2b.name() + " " + c.external.ip(f) + " " + E2eNode.ECHO, ext.answer(), "external -> pod " + f);
            }
            E2eNode.log(layout + ": pods " + c.echo1a.ip() + " " + c.echo1a.ipv6() + " (" + c.echo1a.hostDevice() + "), "
                    + c.echo2a.ip() + " " + c.echo2a.ipv6());
        }
        assertFalse(Files.exists(cniState), "host-local state removed: " + cniState);
        assertFalse(Exec.check("ip", "netns", "list").stdout().contains(prefix), "no namespace of " + prefix + " left");
    }
}
