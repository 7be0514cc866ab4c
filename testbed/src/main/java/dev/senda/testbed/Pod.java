package dev.senda.testbed;

import dev.senda.net.IpFamily;

import java.nio.file.Path;

/**
 * One pod of a {@link Testbed}: its own network namespace with {@code eth0} (the pod side of a veth
 * pair), an IPv4 /32 and an IPv6 /128 address (see {@link AddressPlan}), and a default route of each
 * family to the node through that veth.
 *
 * @param name       logical name; the echo servers answer with it
 * @param index      position in the testbed (the host-side device is {@code <prefix>p<index>})
 * @param netns      network namespace name ({@code <prefix>-<name>})
 * @param ip         the pod's IPv4 address
 * @param ipv6       the pod's IPv6 address (canonical text, e.g. {@code fd00:10:244::10})
 * @param hostDevice the veth end in the node namespace
 * @param nodeName   the Kubernetes name of the node the pod runs on (EndpointSlices' {@code nodeName})
 */
public record Pod(String name, int index, String netns, String ip, String ipv6, String hostDevice, String nodeName) {
    /** The name a single-node testbed's node has. */
    public static final String SINGLE_NODE = "node-1";

    /** A pod of a single-node testbed (node {@value #SINGLE_NODE}). */
    public Pod(String name, int index, String netns, String ip, String ipv6, String hostDevice) {
        this(name, index, netns, ip, ipv6, hostDevice, SINGLE_NODE);
    }

    /** The namespace file to pass to {@code nsenter --net=} or {@link Netns#call}. */
    public Path netnsPath() {
        return Netns.path(netns);
    }

    /** The pod's address of {@code family}: {@link #ip()} or {@link #ipv6()}. */
    public String ip(IpFamily family) {
        return family == IpFamily.IPV4 ? ip : ipv6;
    }
}
