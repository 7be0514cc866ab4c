package dev.senda.testbed;

import java.util.Optional;

/**
 * The outcome of one client request made from a pod: the server's one-line answer, or the error the
 * client saw (e.g. "connect: Connection refused"), and how long it took.
 *
 * <p>The testbed's echo servers answer {@code "<pod> <peer-address> <server-port>"}, so an answer
 * says which backend served, which source address it saw, and which target port was hit.
 *
 * @param ok         whether an answer came
 * @param answer     the answer line
 * @param remote     the other end as the client application saw it ("ip:port" or "[ipv6]:port" from
 *                   getpeername or recvfrom), empty when unknown
 * @param error      the client's error when not ok
 * @param millis     duration of the request
 */
public record ClientResult(boolean ok, String answer, String remote, String error, long millis) {

    public static ClientResult success(String answer, String remote, long millis) {
        return new ClientResult(true, answer, remote, "", millis);
    }

    public static ClientResult failure(String error, long millis) {
        return new ClientResult(false, "", "", error, millis);
    }

    /** The answering pod's name, if the request succeeded and the answer has the echo-server shape. */
    public Optional<String> pod() {
        return field(0);
    }

    /** The client address the server saw. */
    public Optional<String> peer() {
        return field(1);
    }

    /** The server port that answered (the target port after translation). */
    public Optional<Integer> serverPort() {
        return field(2).map(Integer::parseInt);
    }

    /**
     * The IP part of {@link #remote()} (IPv6 without its brackets): with socket LB still the VIP the
     * application connected to.
     */
    public Optional<String> remoteIp() {
        int colon = remote.lastIndexOf(':');
        if (!ok || colon <= 0) return Optional.empty();
        String ip = remote.substring(0, colon);
        return Optional.of(ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip);
    }

    private Optional<String> field(int i) {
        if (!ok) return Optional.empty();
        String[] f = answer.strip().split("\\s+");
        return f.length == 3 ? Optional.of(f[i]) : Optional.empty();
    }

    @Override
    public String toString() {
        return ok ? "ok '" + answer + "' (remote " + remote + ") in " + millis + " ms"
                : "FAILED '" + error + "' after " + millis + " ms";
    }
}
