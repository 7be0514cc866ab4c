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
        void attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex) {
            Links.replacePinned(DatapathLayout.tcLinkPin(bpffsRoot, hook, ifname),
                    () -> BpfLink.attachTcx(program, ifindex, hook.ingress()));
        }
    },
    /** A cls_bpf filter with Senda's handle and priority on a clsact qdisc (kernels without tcx). */
    CLSACT {
        @Override
        void attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex) {
            TcAttach.attach(program, ifindex, hook.ingress(), hook.clsact(), hook.clsact());
        }
    },
    /** Neither works here: per-packet LB is off; nothing is attached. */
    NONE {
        @Override
        void attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex) {
            throw new IllegalStateException("this kernel can attach no tc program (neither tcx nor clsact)");
        }
    };

    /**
     * Attaches {@code program} at {@code hook} of one interface, replacing Senda's previous attachment there.
     *
     * @throws dev.senda.maps.libbpf.LibbpfException when the kernel refuses (e.g. the device went away)
     */
    abstract void attach(Path bpffsRoot, BpfProgram program, DatapathLayout.TcHook hook, String ifname, int ifindex);
}
