package dev.senda.testbed.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Chain names of the shape kube-proxy gives them: a fixed prefix and a short, stable digest of the
 * service port (and endpoint), so that names are unique, fit the 28-character limit of iptables
 * chain names, and do not change between syncs. The digest is SHA-256 in RFC 4648 base32 (A-Z2-7).
 */
final class ChainNames {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private ChainNames() {
    }

    /** {@code KUBE-SVC-<16>} for a service port name and protocol. */
    static String iptablesService(String portName, String protocol) {
        return "KUBE-SVC-" + digest(portName + protocol, 16);
    }

    /** {@code KUBE-SEP-<16>} for a service port's endpoint {@code ip:port}. */
    static String iptablesEndpoint(String portName, String protocol, String endpoint) {
        return "KUBE-SEP-" + digest(portName + protocol + endpoint, 16);
    }

    /** {@code service-<8>-<ns>/<name>/<proto>/<port name>}, the nftables mode's per-service chain. */
    static String nftService(String namespace, String name, String protocol, String portName) {
        String id = namespace + "/" + name + "/" + protocol + "/" + portName;
        return "service-" + digest(id, 8) + "-" + id;
    }

    /** {@code endpoint-<8>-<ns>/<name>/<proto>/<port name>__<ip>/<port>}, the nftables mode's endpoint chain. */
    static String nftEndpoint(String namespace, String name, String protocol, String portName, String ip, int port) {
        String id = namespace + "/" + name + "/" + protocol + "/" + portName + "__" + ip + "/" + port;
        return "endpoint-" + digest(id, 8) + "-" + id;
    }

    /** The first {@code chars} base32 characters of SHA-256(text). */
    static String digest(String text, int chars) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        StringBuilder out = new StringBuilder(chars);
        int buffer = 0;
        int bits = 0;
        for (byte b : hash) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < chars) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
            if (out.length() == chars) break;
        }
        return out.toString();
    }
}
