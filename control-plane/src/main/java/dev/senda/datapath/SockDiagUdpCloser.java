package dev.senda.datapath;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.maps.lb.SockRevNatKey;
import dev.senda.maps.lb.SockRevNatValue;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.UdpSockDiag;
import dev.senda.net.IpFamily;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@link UdpSocketCloser} of kernels without {@code bpf_sock_destroy}: sock_diag lists each
 * namespace's connected UDP sockets ({@link UdpSockDiag}); a socket is socket LB's when the socket
 * reverse-NAT map has its cookie and peer, stale when {@link Serves} says its frontend no longer has
 * that backend; stale ones are closed with {@code SOCK_DESTROY}.
 *
 * <p>It needs a kernel built with {@code CONFIG_INET_DIAG_DESTROY} (Debian's are, 6.1 included) and the
 * {@code udp_diag} module (loaded on demand). Without the former every close answers EOPNOTSUPP: that
 * is known only at the first close, and from then on {@link #sweep} does nothing ({@link #unsupported}).
 */
public final class SockDiagUdpCloser implements UdpSocketCloser {
    static final int EOPNOTSUPP = 95;
    private final BpfMap revNat4;
    private final BpfMap revNat6;
    private volatile boolean unsupported;

    private SockDiagUdpCloser(BpfMap revNat4, BpfMap revNat6) {
        this.revNat4 = revNat4;
        this.revNat6 = revNat6;
    }

    /** Opens the pinned socket reverse-NAT maps under {@code bpffsRoot}. */
    public static SockDiagUdpCloser open(Path bpffsRoot) {
        BpfMap four = BpfMap.openPinned(bpffsRoot.resolve(Codecs.SOCK_REVNAT4_MAP.mapName()));
        try {
            return new SockDiagUdpCloser(four, BpfMap.openPinned(bpffsRoot.resolve(Codecs.SOCK_REVNAT6_MAP.mapName())));
        } catch (RuntimeException e) {
            four.close();
            throw e;
        }
    }

    /** True once the kernel answered a close with EOPNOTSUPP (no CONFIG_INET_DIAG_DESTROY). */
    public boolean unsupported() {
        return unsupported;
    }

    @Override
    public Sweep sweep(Collection<Path> namespaces, Serves current) {
        List<DestroyedSocket> sockets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int vanished = 0;
        if (unsupported) return new Sweep(0, 0, sockets, errors);
        for (Path ns : namespaces) {
            try {
                for (UdpSockDiag.Closed c : UdpSockDiag.closeConnected(ns, StaleUdpSocketCloser.PER_NAMESPACE,
                        p -> stale(p, current))) {
                    sockets.add(new DestroyedSocket(c.socket().peer(), c.socket().port(), -c.errno(), c.socket().cookie()));
                    if (c.errno() == EOPNOTSUPP) unsupported = true;
                }
            } catch (LibbpfException e) {
                if (e.errno() == LibbpfException.ENOENT && !Files.exists(ns)) {
                    vanished++; // its last process exited: /proc/<pid>/ns/net went with it
                } else {
                    errors.add(ns + ": " + e.getMessage());
                }
            }
            if (unsupported) break;
        }
        return new Sweep(namespaces.size(), vanished, sockets, errors);
    }

    private boolean stale(UdpSockDiag.Peer p, Serves current) {
        boolean v4 = p.peer().family() == IpFamily.IPV4;
        SockRevNatKey key = new SockRevNatKey(p.cookie(), p.peer(), p.port());
        byte[] raw = v4 ? revNat4.lookup(Codecs.SOCK_REVNAT4_KEY.encode(key))
                : revNat6.lookup(Codecs.SOCK_REVNAT6_KEY.encode(key));
        if (raw == null) return false; // not translated by socket LB
        SockRevNatValue vip = (v4 ? Codecs.SOCK_REVNAT4_VALUE : Codecs.SOCK_REVNAT6_VALUE).decode(raw);
        return !current.serves(vip.address(), vip.port(), p.peer(), p.port());
    }

    @Override
    public String describe() {
        return unsupported ? "sock_diag SOCK_DESTROY (unsupported by this kernel)" : "sock_diag SOCK_DESTROY";
    }

    @Override
    public void close() {
        revNat4.close();
        revNat6.close();
    }
}
