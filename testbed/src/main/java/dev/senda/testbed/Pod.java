package dev.senda.testbed;

import java.nio.file.Path;

/**
 * One pod of a {@link Testbed}: its own network namespace with {@code eth0} (the pod side of a veth
 * pair), a /32 address, and a default route to the node through that veth.
 *
 * @param name       logical name; the echo servers answer with it
 * @param index      position in the testbed (the host-side device is {@code <prefix>p<index>})
 * @param netns      network namespace name ({@code <prefix>-<name>})
 * @param ip         the pod's IPv4 address
 * @param hostDevice the veth end in the node namespace
 */
public record Pod(String name, int index, String netns, String ip, String hostDevice) {
    /** The namespace file to pass to {@code nsenter --net=} or {@link Netns#call}. */
    public Path netnsPath() {
        return Netns.path(netns);
    }
}
