package dev.senda.datapath;

import dev.senda.datapath.DatapathLayout.CgroupProgram;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.features.Support;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What of the datapath this kernel can run, decided from its probed features before anything is
 * loaded. A pure function of {@link KernelFeatures}, so tests decide with a made-up kernel.
 *
 * <p>Rules: a socket-LB program is loaded and attached only when the probe saw every feature it
 * {@linkplain CgroupProgram#needs() needs} work (an unknown is not trusted: a refused program would
 * fail the whole object's load); the others are left out and reported. tc programs attach through
 * tcx where the probe saw tcx work, else through clsact unless the probe saw clsact refused (clsact
 * attaches per interface and a failure there is logged and retried, never fatal), else not at all.
 *
 * @param socketLb        the socket-LB programs to load and attach, in {@link DatapathLayout} order
 * @param skippedSocketLb those left out, each with the reason, for the log
 * @param tcMode          how tc programs attach
 * @param tcReason        why not tcx, for the log; empty with {@link TcMode#TCX}
 */
record DatapathPlan(List<CgroupProgram> socketLb, List<Skipped> skippedSocketLb, TcMode tcMode, String tcReason) {

    /** A program left out, and which features it lacked (with the probe's words). */
    record Skipped(CgroupProgram program, String reason) {
    }

    DatapathPlan {
        socketLb = List.copyOf(socketLb);
        skippedSocketLb = List.copyOf(skippedSocketLb);
    }

    static DatapathPlan of(KernelFeatures features) {
        List<CgroupProgram> load = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (CgroupProgram p : DatapathLayout.SOCKET_LB_PROGRAMS) {
            List<Feature> lacking = p.needs().stream().filter(f -> !features.has(f)).toList();
            if (lacking.isEmpty()) load.add(p);
            else skipped.add(new Skipped(p, describe(features, lacking)));
        }
        if (features.has(Feature.TCX)) return new DatapathPlan(load, skipped, TcMode.TCX, "");
        String noTcx = describe(features, List.of(Feature.TCX));
        if (!features.lacks(Feature.CLSACT)) return new DatapathPlan(load, skipped, TcMode.CLSACT, noTcx);
        return new DatapathPlan(load, skipped, TcMode.NONE, noTcx + "; " + describe(features, List.of(Feature.CLSACT)));
    }

    /** "set_retval: no (the kernel said ...)", for each feature. */
    private static String describe(KernelFeatures features, List<Feature> lacking) {
        return lacking.stream().map(f -> {
            var finding = features.finding(f);
            String answer = f.key() + " " + (finding.support() == Support.NO ? "missing" : finding.support().text());
            return finding.detail().isEmpty() ? answer : answer + " (" + finding.detail() + ")";
        }).collect(Collectors.joining(", "));
    }
}
