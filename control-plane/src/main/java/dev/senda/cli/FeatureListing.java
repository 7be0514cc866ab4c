package dev.senda.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.Finding;
import dev.senda.maps.features.KernelFeatures;

/**
 * The probed kernel features, for humans ({@link #toTable}) and for scripts ({@link #toJson}), every
 * feature in {@link Feature} order.
 */
record FeatureListing(KernelFeatures features) {

    /**
     * {@code FEATURE SUPPORT DESCRIPTION}, one row per feature; a feature that is not there is followed
     * by an indented line saying why.
     */
    String toTable() {
        int width = "FEATURE".length();
        for (Feature f : Feature.values()) width = Math.max(width, f.key().length());
        String row = "%-" + width + "s  %-7s  %s%n";
        StringBuilder out = new StringBuilder(String.format(row, "FEATURE", "SUPPORT", "DESCRIPTION"));
        for (Feature f : Feature.values()) {
            Finding finding = features.finding(f);
            out.append(String.format(row, f.key(), finding.support().text(), f.description()));
            if (!finding.detail().isEmpty()) {
                out.append(" ".repeat(width + 2)).append("why: ")
                        .append(finding.detail().replaceAll("\\s*\n\\s*", " ")).append('\n'); // one line each
            }
        }
        return out.toString();
    }

    /**
     * {@code {"tcx": {"support": "yes", "description": "...", "detail": ""}, ...}}: support is
     * "yes", "no" or "unknown"; detail is empty for "yes".
     */
    String toJson() {
        ObjectNode out = Json.object();
        for (Feature f : Feature.values()) {
            Finding finding = features.finding(f);
            out.putObject(f.key())
                    .put("support", finding.support().text())
                    .put("description", f.description())
                    .put("detail", finding.detail());
        }
        return Json.write(out);
    }
}
