package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.CgroupAttachType;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.TcAttach;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Attachments as pinned links: attach-then-swap so a program is never off its hook during an agent
 * restart, and pin removal as the way to detach. How tc programs attach is {@link TcMode}'s choice.
 */
final class Links {
    private static final Logger log = LoggerFactory.getLogger(Links.class);

    private Links() {
    }

    static BpfLink attachCgroup(BpfProgram program, Path cgroupDir, CgroupAttachType type) {
        return BpfLink.attachCgroup(program, cgroupDir, type);
    }

    /**
     * Attaches with {@code attach}, then moves the pin at {@code pin} to the new link. The previous
     * link (if any) is detached only after the new one runs.
     */
    static void replacePinned(Path pin, Supplier<BpfLink> attach) {
        try {
            Files.createDirectories(pin.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + pin.getParent(), e);
        }
        try (BpfLink fresh = attach.get()) {
            // bpffs refuses names containing '.' (EPERM: dots are reserved for the kernel's own files).
            Path staging = pin.resolveSibling("staging_" + pin.getFileName());
            BpfLink.removePinned(staging);
            fresh.pin(staging);
            BpfLink.removePinned(pin);
            try {
                Files.move(staging, pin);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rename pin " + staging + " to " + pin, e);
            }
        }
    }

    /** Detaches the link pinned at {@code pin} and removes the pin; false when there was none. */
    static boolean unpin(Path pin) {
        return BpfLink.removePinned(pin);
    }

    /**
     * Removes Senda's per-packet LB of one device kind from one interface (the pinned links, and the
     * clsact filters if any).
     */
    static void detachTc(Path bpffsRoot, DatapathLayout.DeviceKind kind, String ifname, int ifindexOrZero) {
        for (DatapathLayout.TcHook hook : kind.hooks()) unpin(DatapathLayout.tcLinkPin(bpffsRoot, hook, ifname));
        if (ifindexOrZero > 0) removeClsactFilter(kind, ifname, ifindexOrZero);
    }

    /** Removes Senda's clsact filters of every device kind from one interface; see the other overload. */
    static boolean removeClsactFilter(String ifname, int ifindex) {
        boolean removed = false;
        for (DatapathLayout.DeviceKind kind : DatapathLayout.DEVICE_KINDS) removed |= removeClsactFilter(kind, ifname, ifindex);
        return removed;
    }

    /**
     * Removes Senda's clsact filters of one device kind (their handle and priority) from one interface.
     *
     * @return false when there was none, or it could not be removed (logged: the device may be going away)
     */
    static boolean removeClsactFilter(DatapathLayout.DeviceKind kind, String ifname, int ifindex) {
        boolean removed = false;
        for (DatapathLayout.TcHook hook : kind.hooks()) {
            try {
                removed |= TcAttach.detach(ifindex, hook.ingress(), hook.clsact(), hook.clsact());
            } catch (LibbpfException e) {
                log.debug("no clsact filter removed from {}: {}", ifname, e.getMessage());
            }
        }
        return removed;
    }
}
