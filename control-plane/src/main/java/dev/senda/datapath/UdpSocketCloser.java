package dev.senda.datapath;

import dev.senda.maps.features.Feature;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.net.IpAddress;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Closes connected UDP sockets that socket LB pointed at a backend their Service no longer has, one
 * network namespace at a time, so their applications connect again and are balanced afresh.
 *
 * <p>Why: socket LB translates a UDP socket's {@code connect()} once; afterwards the socket talks to the
 * backend directly, and a client that keeps its connected socket would keep sending to a pod that is
 * gone. A closed socket's next {@code recv()} fails with ECONNABORTED (a {@code send()} with
 * EDESTADDRREQ: it is disconnected).
 *
 * <p>Two ways, by kernel ({@link #forKernel}): {@link StaleUdpSocketCloser}, a BPF socket iterator with
 * the {@code bpf_sock_destroy} kfunc (Linux 6.5+), which decides in the kernel against the LB maps; and
 * {@link SockDiagUdpCloser}, sock_diag's {@code SOCK_DESTROY} (kernels built with
 * {@code CONFIG_INET_DIAG_DESTROY}, Debian's 6.1 among them), which lists the namespace's connected UDP
 * sockets in user space and decides with {@link Serves} and the socket reverse-NAT maps.
 */
public interface UdpSocketCloser extends AutoCloseable {
    /** Whether {@code backend:port} is a backend of the UDP frontend {@code vip:vport} (either scope) now. */
    @FunctionalInterface
    interface Serves {
        boolean serves(IpAddress vip, int vport, IpAddress backend, int port);
    }

    /**
     * What one sweep did.
     *
     * @param namespaces namespaces swept
     * @param vanished   namespaces gone before they could be entered (their process exited)
     * @param sockets    every stale socket met, closed or not ({@link DestroyedSocket#destroyed()})
     * @param errors     namespaces whose sweep failed, one line each
     */
    record Sweep(int namespaces, int vanished, List<DestroyedSocket> sockets, List<String> errors) {
        public Sweep {
            sockets = List.copyOf(sockets);
            errors = List.copyOf(errors);
        }

        public long closed() {
            return sockets.stream().filter(DestroyedSocket::destroyed).count();
        }

        public long failed() {
            return sockets.size() - closed();
        }
    }

    /**
     * Sweeps each namespace ({@code /proc/<pid>/ns/net} or {@code /run/netns/<name>}) in turn, closing the
     * connected UDP sockets socket LB translated whose backend {@code current} no longer has.
     */
    Sweep sweep(Collection<Path> namespaces, Serves current);

    /** How it closes sockets, for the log. */
    String describe();

    @Override
    void close();

    /**
     * The closer for this kernel: the BPF iterator where {@code bpf_sock_destroy} exists, else sock_diag
     * (whose support shows only when it is used: see {@link SockDiagUdpCloser}). Load after
     * {@link Datapath#load}: both use the pinned maps under {@code bpffsRoot}.
     *
     * @throws dev.senda.maps.libbpf.LibbpfException when the kernel refuses the iterator or a pinned map is missing
     */
    static UdpSocketCloser forKernel(Path bpffsRoot, KernelFeatures features) {
        if (features.has(Feature.SOCK_DESTROY)) return StaleUdpSocketCloser.load(bpffsRoot);
        return SockDiagUdpCloser.open(bpffsRoot);
    }
}
