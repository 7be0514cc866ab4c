package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.CgroupAttachType;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.LoadedProgram;
import dev.senda.maps.libbpf.ProgramIdentity;
import dev.senda.maps.libbpf.ProgramMaps;
import dev.senda.maps.lb.PriorMaps;
import dev.senda.maps.libbpf.TcAttach;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Attachments as pinned links, replaced by {@code BPF_LINK_UPDATE} so a hook is never without a program
 * and never runs two of Senda's during an agent restart or upgrade, and pin removal as the way to detach. How tc programs attach is {@link TcMode}'s choice.
 */
final class Links {
    private static final Logger log = LoggerFactory.getLogger(Links.class);

    private Links() {
    }

    static BpfLink attachCgroup(BpfProgram program, Path cgroupDir, CgroupAttachType type) {
        return BpfLink.attachCgroup(program, cgroupDir, type);
    }

    /** What {@link #replacePinned} did. */
    enum Swap {
        /** No link was pinned there: a new one is attached and pinned. */
        ATTACHED,
        /** The pinned link now runs the new program ({@code BPF_LINK_UPDATE}): one atomic swap. */
        UPDATED,
        /** The pinned link runs a program identical to the new one ({@link ProgramIdentity}): untouched. */
        UNCHANGED,
        /** The pinned link was defunct (its hook gone) or could not be updated: a new link replaced it. */
        REATTACHED
    }

    /**
     * Makes the link pinned at {@code pin} run {@code program}: when a link is pinned there and
     * {@code onTarget} says it is attached where {@code attach} would attach (the same cgroup, the same
     * device), it is updated in place (never a moment with no program on the hook, never two), or left alone when it
     * runs an identical program already; otherwise {@code attach} makes a new link, which is pinned.
     * Only a pinned link the kernel cannot update (its cgroup or device is gone) is replaced by a new
     * one, attached before the old pin is removed.
     */
    static Swap replacePinned(Path pin, LoadedProgram program, java.util.function.Predicate<BpfLink> onTarget,
                              Supplier<BpfLink> attach) {
        try {
            Files.createDirectories(pin.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + pin.getParent(), e);
        }
        if (Files.exists(pin)) {
            try (BpfLink pinned = BpfLink.openPinned(pin)) {
                if (onTarget.test(pinned)) {
                    if (sameProgram(pinned.programId(), program)) return Swap.UNCHANGED;
                    pinned.update(program);
                    return Swap.UPDATED;
                }
                log.info("the link pinned at {} is attached elsewhere (another cgroup or device): attaching a new one", pin);
            } catch (LibbpfException e) {
                log.info("cannot update the link pinned at {} ({}): attaching a new one", pin, e.getMessage());
            }
        }
        Swap swap = Files.exists(pin) ? Swap.REATTACHED : Swap.ATTACHED;
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
        return swap;
    }

    /** For a log line: what happened to the attachments of one place (an interface, the cgroup). */
    static String describe(java.util.Set<Swap> swaps) {
        if (swaps.equals(java.util.EnumSet.of(Swap.UNCHANGED))) return "unchanged (identical programs already attached)";
        if (swaps.equals(java.util.EnumSet.of(Swap.ATTACHED))) return "attached";
        return swaps.stream().map(s -> switch (s) {
            case ATTACHED -> "attached";
            case UPDATED -> "replaced atomically";
            case UNCHANGED -> "partly unchanged";
            case REATTACHED -> "re-attached (the old link was defunct or attached elsewhere)";
        }).collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * Whether the program with kernel id {@code attachedId} is {@code program} or identical to it. Not
     * identical either while it holds a conntrack loan ({@link PriorMaps#holdsLoan}) and is not
     * {@code program} itself: a loan left by an agent that died between a migration's passes would
     * otherwise stay for good (the other map never freed, an extra lookup per conntrack miss, and flows
     * retired since carried back from it); replacing the program frees its slot with it. This agent's
     * own programs keep their loan until it ends it ({@code Datapath.finishMigrations}).
     */
    static boolean sameProgram(int attachedId, LoadedProgram program) {
        try {
            if (attachedId == ProgramMaps.programId(program.fd())) return true;
            ProgramIdentity wanted = ProgramIdentity.ofFd(program.fd());
            // The loan's check opens every map of the program: only for one that is identical otherwise
            // (a migration's hooks differ anyway, and every restart asks this of every hook).
            if (!ProgramIdentity.ofId(attachedId).map(wanted::equals).orElse(false)) return false;
            return !PriorMaps.holdsLoan(attachedId);
        } catch (LibbpfException e) {
            // Not knowing is "not identical": the caller then updates the link in place, atomically.
            log.info("cannot compare the attached program {} with the new one ({}): replacing it", attachedId,
                    e.getMessage());
            return false;
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
