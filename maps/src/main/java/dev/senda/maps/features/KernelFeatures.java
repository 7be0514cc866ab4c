package dev.senda.maps.features;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What this kernel offers Senda, probed once at start ({@link FeatureProbe}) and handed to
 * whatever chooses by it: the datapath loader, the agent's start log, {@code senda bpf features}.
 * Tests build one by hand to fake a kernel.
 *
 * @param findings one per {@link Feature}; a feature left out counts as unknown ("not probed")
 */
public record KernelFeatures(Map<Feature, Finding> findings) {
    public KernelFeatures {
        EnumMap<Feature, Finding> all = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) all.put(f, Finding.unknown("not probed"));
        all.putAll(findings);
        findings = Collections.unmodifiableMap(all);
    }

    /** Every feature with the same answer: a fake kernel for tests, to change with {@link #with}. */
    public static KernelFeatures all(Finding finding) {
        Map<Feature, Finding> m = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) m.put(f, finding);
        return new KernelFeatures(m);
    }

    /** A copy with one finding replaced. */
    public KernelFeatures with(Feature feature, Finding finding) {
        Map<Feature, Finding> m = new EnumMap<>(findings);
        m.put(feature, finding);
        return new KernelFeatures(m);
    }

    public Finding finding(Feature feature) {
        return findings.get(feature);
    }

    /** Whether the probe saw the feature work ({@link Support#YES}; unknown is not yes). */
    public boolean has(Feature feature) {
        return finding(feature).present();
    }

    /** Whether the probe saw the kernel refuse the feature ({@link Support#NO}; unknown is not no). */
    public boolean lacks(Feature feature) {
        return finding(feature).support() == Support.NO;
    }

    /** One line, every feature in order: {@code "tcx=yes clsact=yes xdp=yes ... sock_destroy=no"}. */
    public String summary() {
        StringJoiner line = new StringJoiner(" ");
        findings.forEach((f, finding) -> line.add(f.key() + "=" + finding.support().text()));
        return line.toString();
    }
}
