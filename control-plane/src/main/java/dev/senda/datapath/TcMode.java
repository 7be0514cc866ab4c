package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.TcAttach;

import java.nio.file.Path;

/**
 * How tc programs go onto an interface on this kernel, chosen once from its features
 * ({@link DatapathPlan}): the choice is the code path, so a test that checks the choice checks
 * which path runs.
 */
enum TcMode {
    /** A tcx link, pinned under the bpffs root: tracked, replaced atomically, removed with its pin. */
    TCX {
        @Override
        Links.Swap attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex) {
            return Links.replacePinned(DatapathLayout.tcLinkPin(bpffsRoot, hook, ifname), program,
                    link -> link.tcxIfindex() == ifindex, () -> BpfLink.attachTcx(program, ifindex, hook.ingress()));
        }
    },
    /**
     * A cls_bpf filter with Senda's handle and priority on a clsact qdisc (kernels without tcx). An
     * existing filter is replaced in place ({@code NLM_F_REPLACE} on the same handle and priority: the
     * kernel swaps the program pointer of that one filter), so a packet meets the old program or the
     * new one, never neither and never both; an identical program is left alone.
     */
    CLSACT {
        @Override
        Links.Swap attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex) {
            java.util.OptionalInt running = TcAttach.query(ifindex, hook.ingress(), hook.clsact(), hook.clsact());
            if (running.isPresent() && Links.sameProgram(running.getAsInt(), program)) return Links.Swap.UNCHANGED;
            TcAttach.attach(program, ifindex, hook.ingress(), hook.clsact(), hook.clsact());
            return running.isPresent() ? Links.Swap.UPDATED : Links.Swap.ATTACHED;
        }
    },
    /** Neither works here: per-packet LB is off; nothing is attached. */
    NONE {
        @Override
        Links.Swap attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex) {
            throw new IllegalStateException("this kernel can attach no tc program (neither tcx nor clsact)");
        }
    };

    /**
     * Attaches {@code program} at {@code hook} of one interface, replacing Senda's previous attachment there
     * atomically, or leaving it when it runs an identical program.
     *
     * @throws dev.senda.maps.libbpf.LibbpfException when the kernel refuses (e.g. the device went away)
     */
    abstract Links.Swap attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex);
}
