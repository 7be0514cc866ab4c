package dev.senda.desired;

import dev.senda.model.Service;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Service's cluster IPs, one per family, checked the way the API server validates them, so that an
 * object that could not come from a real API server (a YAML file, a stand-in server) is refused with
 * the field and value named instead of being half programmed.
 *
 * <p>The addresses are {@code spec.clusterIPs}; {@code spec.clusterIP} must equal its first entry
 * (older objects carry only {@code clusterIP}, which then stands alone). Each entry must be an IP
 * literal ({@link IpAddress#parse}: strict, never DNS), and no two entries may share a family. When
 * {@code spec.ipFamilies} is given, its entries must be "IPv4" or "IPv6", distinct, and
 * {@code ipFamilies[i]} must be the family of {@code clusterIPs[i]}; it may list a family that has no
 * address yet (the API server adds it later), which is no problem: that family just has no frontend.
 *
 * <p>{@code spec.ipFamilyPolicy} is not consulted: it tells the API server how many families to
 * allocate, and a proxy programs what was allocated (kube-proxy does the same).
 */
final class ClusterIps {
    private ClusterIps() {
    }

    /**
     * The cluster IPs in {@code clusterIPs} order, one per family. Problems are appended to
     * {@code problems}, and any problem means the result must not be used. Headless Services
     * ("None") must be filtered out before.
     */
    static List<IpAddress> parse(Service svc, List<String> problems) {
        boolean hasClusterIp = svc.clusterIP() != null && !svc.clusterIP().isEmpty();
        List<String> literals = svc.clusterIPs();
        boolean clusterIpAlone = literals.isEmpty();
        if (clusterIpAlone) {
            if (!hasClusterIp) {
                // The API server allocates a cluster IP to every other Service; none at all is a
                // stand-in server's object or an unfinished edit, worth a line in the log.
                problems.add("spec.clusterIP is empty (not allocated; headless Services say \"None\")");
                return List.of();
            }
            literals = List.of(svc.clusterIP());
        } else if (hasClusterIp && !svc.clusterIP().equals(literals.getFirst())) {
            problems.add("spec.clusterIP \"" + svc.clusterIP() + "\" differs from spec.clusterIPs[0] \""
                    + literals.getFirst() + "\"");
        }
        Optional<List<IpFamily>> families = families(svc.ipFamilies(), problems);

        List<IpAddress> out = new ArrayList<>(literals.size());
        for (int i = 0; i < literals.size(); i++) {
            String literal = literals.get(i);
            String where = (clusterIpAlone ? "spec.clusterIP" : "spec.clusterIPs[" + i + "]") + " \"" + literal + "\"";
            Optional<IpAddress> parsed = IpAddress.parse(literal);
            if (parsed.isEmpty()) {
                problems.add(where + " is not an IP address");
                continue;
            }
            IpFamily family = parsed.get().family();
            if (out.stream().anyMatch(a -> a.family() == family)) {
                problems.add(where + " is a second " + family + " address (one cluster IP per family)");
                continue;
            }
            if (families.isPresent() && !families.get().isEmpty()) {
                familyMismatch(where, i, family, families.get()).ifPresent(problems::add);
            }
            out.add(parsed.get());
        }
        return out;
    }

    /** {@code spec.ipFamilies} read; empty (with problems added) when an entry is unusable. */
    private static Optional<List<IpFamily>> families(List<String> names, List<String> problems) {
        List<IpFamily> out = new ArrayList<>(names.size());
        boolean ok = true;
        for (int i = 0; i < names.size(); i++) {
            Optional<IpFamily> f = IpFamily.ofApiName(names.get(i));
            if (f.isEmpty()) {
                problems.add("spec.ipFamilies[" + i + "] \"" + names.get(i) + "\" is not IPv4 or IPv6");
                ok = false;
            } else if (out.contains(f.get())) {
                problems.add("spec.ipFamilies[" + i + "] \"" + names.get(i) + "\" is listed twice");
                ok = false;
            } else {
                out.add(f.get());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** Why cluster IP number {@code i} of {@code family} does not fit {@code spec.ipFamilies}, if it does not. */
    private static Optional<String> familyMismatch(String where, int i, IpFamily family, List<IpFamily> families) {
        if (!families.contains(family)) {
            return Optional.of(where + " is " + family + ", which spec.ipFamilies " + families + " does not list");
        }
        if (i >= families.size() || families.get(i) != family) {
            return Optional.of(where + " is " + family + ", but spec.ipFamilies[" + i + "] is "
                    + (i < families.size() ? families.get(i) : "missing"));
        }
        return Optional.empty();
    }
}
