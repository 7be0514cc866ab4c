package dev.senda.testbed;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

/**
 * The addresses of a {@link Cluster}'s node network and of its LoadBalancer / external-IP range,
 * derived from one per-run number {@code subnet} (K, 0..255):
 *
 * <pre>
 *                          IPv4                  IPv6
 *   node network           192.168.K.0/24        fd00:192:168:K::/64
 *   node i (1-based)       192.168.K.i           fd00:192:168:K::i      (on the node's eth0)
 *   external client        192.168.K.100         fd00:192:168:K::100    (on the client's eth0)
 *   LoadBalancer/external  198.18.K.0/24         fd00:198:18:K::/64     (routed by the client through node 1)
 * </pre>
 *
 * As in {@link AddressPlan}, an IPv6 address repeats the digits of its IPv4 sibling. 198.18.0.0/15
 * is reserved for benchmarking (RFC 2544) and never routed on the Internet, so a per-run /24 of it
 * stands for the provider's LoadBalancer pool without clashing with anything real.
 *
 * @param subnet K: the third IPv4 octet and the fourth IPv6 group of both ranges
 */
public record NodeNetworkPlan(int subnet) {
    /** Host part of the external client. */
    public static final int CLIENT_HOST = 100;
    /** Nodes are numbered 1..MAX_NODES (host parts below the client's). */
    public static final int MAX_NODES = 9;

    public NodeNetworkPlan {
        if (subnet < 0 || subnet > 255) throw new IllegalArgumentException("subnet " + subnet + " is not 0..255");
    }

    /** Node {@code ordinal}'s (1-based) address of {@code family} on the node network. */
    public String node(int ordinal, IpFamily family) {
        if (ordinal < 1 || ordinal > MAX_NODES) throw new IllegalArgumentException("node " + ordinal + " is not 1.." + MAX_NODES);
        return address("192.168.", "fd00:192:168:", family, ordinal);
    }

    /** The external client's address of {@code family}. */
    public String client(IpFamily family) {
        return address("192.168.", "fd00:192:168:", family, CLIENT_HOST);
    }

    /** The node network: {@code 192.168.K.0/24} or {@code fd00:192:168:K::/64}. */
    public String cidr(IpFamily family) {
        return address("192.168.", "fd00:192:168:", family, 0) + "/" + prefixLength(family);
    }

    /** The prefix length of the node network (and of the LoadBalancer range): 24 or 64. */
    public static int prefixLength(IpFamily family) {
        return family == IpFamily.IPV4 ? 24 : 64;
    }

    /** The LoadBalancer / external-IP range: {@code 198.18.K.0/24} or {@code fd00:198:18:K::/64}. */
    public String loadBalancerCidr(IpFamily family) {
        return address("198.18.", "fd00:198:18:", family, 0) + "/" + prefixLength(family);
    }

    /** Address {@code host} (1..254) of the LoadBalancer range: 198.18.K.host or fd00:198:18:K::host. */
    public String loadBalancer(IpFamily family, int host) {
        if (host < 1 || host > 254) throw new IllegalArgumentException("host " + host + " is not 1..254");
        return address("198.18.", "fd00:198:18:", family, host);
    }

    private String address(String v4Start, String v6Start, IpFamily family, int host) {
        String text = family == IpFamily.IPV4 ? v4Start + subnet + "." + host
                : v6Start + subnet + "::" + (host == 0 ? "" : Integer.toString(host));
        return IpAddress.parse(text).orElseThrow(() -> new IllegalStateException("not an address: " + text)).toString();
    }
}
