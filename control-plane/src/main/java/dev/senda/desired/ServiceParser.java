package dev.senda.desired;

import dev.senda.model.Service;
import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * First step of desired state: one Service object to a {@link ParsedService}, or the reason it is
 * skipped or rejected. Pure; looks at nothing but the Service.
 *
 * <p>Skipped (as kube-proxy does): type ExternalName; labeled {@value #LABEL_SERVICE_PROXY_NAME} (any
 * value: another proxy owns it) or {@value #LABEL_HEADLESS}; headless (a cluster IP "None").
 *
 * <p>Rejected, with every problem found: a name, namespace or label beyond the API's limits
 * ({@link ApiLimits}); an unknown {@code spec.type}; cluster IPs that do not
 * validate ({@link ClusterIps}); ports that do not validate ({@link ServicePorts}); a traffic policy
 * other than Cluster or Local (which endpoints to use would be a guess); a session affinity that does
 * not validate ({@link SessionAffinity}). External parts (node ports,
 * ingress and external IPs, source ranges) are checked by {@link ExternalAddressesParser}, and a bad
 * one is left out alone (reported in {@link ServiceParse.Accepted#skippedParts()}). A Service is one
 * unit: a problem in one family rejects the whole Service rather than programming the other family
 * alone, because a half-working dual-stack Service would hide the error behind the family that works
 * (and a real API server never lets such an object through, so only hand-written ones are affected).
 */
final class ServiceParser {
    /** Set by a Service owner that wants another proxy (not kube-proxy, not Senda) to serve it. */
    static final String LABEL_SERVICE_PROXY_NAME = "service.kubernetes.io/service-proxy-name";
    /** Marks a Service as headless (kube-proxy skips Services carrying it, whatever the value). */
    static final String LABEL_HEADLESS = "service.kubernetes.io/headless";
    private static final String EXTERNAL_NAME = "ExternalName";
    private static final String HEADLESS_IP = "None";

    private ServiceParser() {
    }

    static ServiceParse parse(Service svc) {
        if (EXTERNAL_NAME.equals(svc.type())) return new ServiceParse.Skipped("type ExternalName");
        if (svc.labels().containsKey(LABEL_SERVICE_PROXY_NAME)) {
            return new ServiceParse.Skipped("label " + LABEL_SERVICE_PROXY_NAME);
        }
        if (svc.labels().containsKey(LABEL_HEADLESS)) return new ServiceParse.Skipped("label " + LABEL_HEADLESS);
        if (HEADLESS_IP.equals(svc.clusterIP()) || svc.clusterIPs().contains(HEADLESS_IP)) {
            return new ServiceParse.Skipped("headless");
        }

        List<String> problems = new ArrayList<>();
        ApiLimits.NameFormat.DNS1035_LABEL.check("metadata.name", svc.ref().name(), problems::add);
        ApiLimits.NameFormat.DNS1123_LABEL.check("metadata.namespace", svc.ref().namespace(), problems::add);
        ApiLimits.checkLabels(svc.labels(), problems::add);
        Optional<ServiceType> type = ServiceType.ofApiName(svc.type());
        if (type.isEmpty()) {
            problems.add("spec.type \"" + svc.type() + "\" is not ClusterIP, NodePort, LoadBalancer or ExternalName");
        }
        List<IpAddress> clusterIps = ClusterIps.parse(svc, problems);
        List<ParsedPort> ports = ServicePorts.parse(svc, problems);
        TrafficPolicies policies = new TrafficPolicies(svc.internalTrafficPolicy(), svc.externalTrafficPolicy());
        policies.check(problems);
        SessionAffinity affinity = SessionAffinity.parse(svc, problems);
        if (!problems.isEmpty()) return new ServiceParse.Rejected(problems);
        List<String> skipped = new ArrayList<>();
        ExternalAddresses external = ExternalAddressesParser.parse(svc, type.get(), ports, clusterIps, skipped);
        return new ServiceParse.Accepted(new ParsedService(svc.ref(), svc.creationTimestamp(), type.get(), clusterIps,
                ports, policies, external, affinity), skipped);
    }
}
