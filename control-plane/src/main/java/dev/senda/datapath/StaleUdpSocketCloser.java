package dev.senda.datapath;

import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.maps.libbpf.BpfIterator;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.LibbpfException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The {@link UdpSocketCloser} of kernels with the {@code bpf_sock_destroy} kfunc (Linux 6.5+):
 * {@code bpf/senda_sockdestroy.c}, an {@code iter/udp} program run in each namespace, closes each
 * connected UDP socket of socket LB whose backend is in no slot of its frontend. Which sockets are stale
 * is decided in the kernel against the LB maps (see {@code bpf/lib/sock_stale.h}), so a sweep needs no
 * input but the namespaces, and no socket is listed to user space.
 *
 * <p>The object uses the pinned LB maps of {@code bpffsRoot} (load it after {@link Datapath#load}) and
 * cannot load on older kernels: it is a separate object for that reason.
 */
public final class StaleUdpSocketCloser implements UdpSocketCloser {
    /** How long one namespace's sweep may take before it is abandoned (a bound, not an expectation). */
    static final Duration PER_NAMESPACE = Duration.ofSeconds(5);

    private final BpfObject object;
    private final BpfIterator iterator;

    private StaleUdpSocketCloser(BpfObject object, BpfIterator iterator) {
        this.object = object;
        this.iterator = iterator;
    }

    /**
     * Loads and attaches the iterator; only for kernels with {@code bpf_sock_destroy}
     * ({@link UdpSocketCloser#forKernel}).
     *
     * @throws LibbpfException when the kernel refuses the program
     */
    public static StaleUdpSocketCloser load(Path bpffsRoot) {
        BpfObject object = Datapath.loadObject(DatapathLayout.SOCK_DESTROY_OBJECT, bpffsRoot, Set.of());
        try {
            return new StaleUdpSocketCloser(object,
                    BpfIterator.attach(object.program(DatapathLayout.SOCK_DESTROY_PROGRAM)));
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** {@inheritDoc} Staleness is decided in the kernel against the LB maps: {@code current} is not consulted. */
    @Override
    public Sweep sweep(Collection<Path> namespaces, Serves current) {
        List<DestroyedSocket> sockets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int vanished = 0;
        for (Path ns : namespaces) {
            try {
                sockets.addAll(DestroyedSocket.decodeAll(iterator.runIn(ns, PER_NAMESPACE)));
            } catch (LibbpfException e) {
                if (e.errno() == LibbpfException.ENOENT && !Files.exists(ns)) {
                    vanished++; // its last process exited: /proc/<pid>/ns/net went with it
                } else {
                    errors.add(ns + ": " + e.getMessage());
                }
            } catch (IllegalArgumentException e) {
                errors.add(ns + ": " + e.getMessage());
            }
        }
        return new Sweep(namespaces.size(), vanished, sockets, errors);
    }

    @Override
    public String describe() {
        return "a BPF socket iterator with bpf_sock_destroy";
    }

    @Override
    public void close() {
        iterator.close();
        object.close();
    }
}
