package dev.senda.testbed;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

/**
 * Every address of one testbed, derived from one per-run number {@code subnet} (N, 0..255):
 *
 * <pre>
 *                     IPv4                      IPv6
 *   pods              10.244.N.0/24             fd00:10:244:N::/64
 *   pod i             10.244.N.(10+i)/32        fd00:10:244:N::(10+i)/128
 *   node (on lo)      10.244.N.1/32             fd00:10:244:N::1/128
 *   pods' gateway     169.254.1.1/32            fe80::1/64
 *                     (on every host-side veth; pods route everything through it)
 * </pre>
 *
 * An IPv6 address repeats the digits of its IPv4 sibling: pod 10.244.17.12 is fd00:10:244:17::12
 * (hex groups that read like the decimal ones; every decimal number below 10000 is a valid group),
 * so a person reading a log pairs them at a glance. The IPv6 ranges are unique-local (fd00::/8).
 * Texts are canonical (RFC 5952: N = 0 gives {@code fd00:10:244::10}), as the agent and
 * {@code senda bpf lb list} print them.
 *
 * @param subnet N: the third IPv4 octet and the fourth IPv6 group of the pod range
 */
public record AddressPlan(int subnet) {
    /** The pods' IPv4 gateway: an address of the node on every host-side veth. */
    public static final String GATEWAY_IPV4 = "169.254.1.1";
    /** The pods' IPv6 gateway: a link-local address of the node on every host-side veth. */
    public static final String GATEWAY_IPV6 = "fe80::1";
    /** Pods are numbered from 0; pod i gets host part 10 + i. */
    public static final int MAX_PODS = 200;

    public AddressPlan {
        if (subnet < 0 || subnet > 255) throw new IllegalArgumentException("subnet " + subnet + " is not 0..255");
    }

    /** Pod {@code index}'s address of {@code family}. */
    public String pod(IpFamily family, int index) {
        if (index < 0 || index >= MAX_PODS) throw new IllegalArgumentException("pod index " + index + " is not 0.." + (MAX_PODS - 1));
        return address(family, 10 + index);
    }

    /** The node's own address of {@code family} (on the node namespace's loopback). */
    public String node(IpFamily family) {
        return address(family, 1);
    }

    /** The pods' range: {@code 10.244.N.0/24} or {@code fd00:10:244:N::/64}. */
    public String podCidr(IpFamily family) {
        return family == IpFamily.IPV4 ? "10.244." + subnet + ".0/24" : canonical("fd00:10:244:" + subnet + "::") + "/64";
    }

    /** The pods' gateway of {@code family}. */
    public static String gateway(IpFamily family) {
        return family == IpFamily.IPV4 ? GATEWAY_IPV4 : GATEWAY_IPV6;
    }

    /** Host part {@code host} in the pod range: 10.244.N.host, or fd00:10:244:N::host with the same digits. */
    private String address(IpFamily family, int host) {
        return family == IpFamily.IPV4 ? "10.244." + subnet + "." + host : canonical("fd00:10:244:" + subnet + "::" + host);
    }

    private static String canonical(String text) {
        return IpAddress.parse(text).orElseThrow(() -> new IllegalStateException("not an address: " + text)).toString();
    }
}
