package dev.senda.datapath;

import dev.senda.maps.features.Feature;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.maps.libbpf.BpfIterator;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.LibbpfException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Closes connected UDP sockets that socket LB pointed at a backend their Service no longer has
 * ({@code bpf/senda_sockdestroy.c}: an {@code iter/udp} program calling the {@code bpf_sock_destroy}
 * kfunc), one network namespace at a time.
 *
 * <p>Why: socket LB translates a UDP socket's {@code connect()} once; afterwards the socket talks to the
 * backend directly, and a client that keeps its connected socket would keep sending to a pod that is
 * gone. Closing it makes its next {@code recv()} fail with ECONNABORTED and disconnects it; the
 * application connects again and is balanced afresh. Which sockets are stale is decided in the kernel
 * against the LB maps (see {@code bpf/lib/sock_stale.h}), so a sweep needs no input but the namespaces.
 *
 * <p>The object uses the pinned LB maps of {@code bpffsRoot} (load it after {@link Datapath#load}) and is
 * loaded only where the kernel has {@code bpf_sock_destroy} (Linux 6.5+): elsewhere {@link #load}
 * returns empty and such sockets keep their backend until the application reconnects by itself.
 */
public final class StaleUdpSocketCloser implements AutoCloseable {
    /** How long one namespace's sweep may take before it is abandoned (a bound, not an expectation). */
    static final Duration PER_NAMESPACE = Duration.ofSeconds(5);

    private final BpfObject object;
    private final BpfIterator iterator;

    private StaleUdpSocketCloser(BpfObject object, BpfIterator iterator) {
        this.object = object;
        this.iterator = iterator;
    }

    /**
     * Loads and attaches the iterator if this kernel has {@code bpf_sock_destroy}; empty otherwise.
     *
     * @throws LibbpfException when the kernel has the kfunc but refuses the program
     */
    public static Optional<StaleUdpSocketCloser> load(Path bpffsRoot, KernelFeatures features) {
        if (!features.has(Feature.SOCK_DESTROY)) return Optional.empty();
        BpfObject object = Datapath.loadObject(DatapathLayout.SOCK_DESTROY_OBJECT, bpffsRoot, Set.of());
        try {
            return Optional.of(new StaleUdpSocketCloser(object,
                    BpfIterator.attach(object.program(DatapathLayout.SOCK_DESTROY_PROGRAM))));
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /**
     * What one sweep did.
     *
     * @param namespaces namespaces swept
     * @param vanished   namespaces gone before they could be entered (their process exited)
     * @param sockets    every stale socket met, closed or not ({@link DestroyedSocket#destroyed()})
     * @param errors     namespaces whose sweep failed, one line each
     */
    public record Sweep(int namespaces, int vanished, List<DestroyedSocket> sockets, List<String> errors) {
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

    /** Sweeps each namespace ({@code /proc/<pid>/ns/net} or {@code /run/netns/<name>}) in turn. */
    public Sweep sweep(Collection<Path> namespaces) {
        List<DestroyedSocket> sockets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int vanished = 0;
        for (Path ns : namespaces) {
            try {
                sockets.addAll(DestroyedSocket.decodeAll(iterator.runIn(ns, PER_NAMESPACE)));
            } catch (LibbpfException e) {
                if (e.errno() == LibbpfException.ENOENT) {
                    vanished++;
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
    public void close() {
        iterator.close();
        object.close();
    }
}
