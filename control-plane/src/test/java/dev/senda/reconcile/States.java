package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.LbState;
import dev.senda.desired.ServicePortName;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small builders for desired states, and a decoder of maps back into one. */
final class States {
    private States() {
    }

    /** An address for map records. */
    static IpAddress ip(String s) {
        return addr(s);
    }

    /** An address for desired state. */
    static IpAddress addr(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    static Frontend fe(String vip, int port) {
        return new Frontend(addr(vip), port, L4Protocol.TCP, FrontendScope.EXTERNAL);
    }

    static BackendAddress be(String ip, int port) {
        return new BackendAddress(addr(ip), port, L4Protocol.TCP);
    }

    static DesiredFrontend df(Frontend f, BackendAddress... backends) {
        List<DesiredBackend> list = Arrays.stream(backends).map(b -> new DesiredBackend(b, EndpointState.ACTIVE)).toList();
        return new DesiredFrontend(f, new ServicePortName("default", "svc-" + f.address(), "p" + f.port()), list);
    }

    static DesiredFrontend df(Frontend f, List<DesiredBackend> backends) {
        return new DesiredFrontend(f, new ServicePortName("default", "svc-" + f.address(), "p" + f.port()), backends);
    }

    static LbState state(DesiredFrontend... frontends) {
        TreeMap<Frontend, DesiredFrontend> m = new TreeMap<>();
        for (DesiredFrontend d : frontends) m.put(d.frontend(), d);
        return new LbState(m);
    }

    /**
     * What the datapath would see: each frontend (by its header) with its slots' backends in
     * order. Ids do not appear, so two maps programmed through different histories compare equal
     * when they balance the same way.
     */
    static Map<String, List<String>> decode(TestLbMaps maps) {
        Map<ServiceKey, ServiceValue> services = maps.services();
        Map<Integer, BackendValue> backends = maps.backends();
        Map<String, List<String>> out = new TreeMap<>();
        services.forEach((key, header) -> {
            if (key.slot() != 0) return;
            List<String> list = new ArrayList<>();
            for (int slot = 1; slot <= header.count(); slot++) {
                ServiceValue v = services.get(key.withSlot(slot));
                BackendValue b = v == null ? null : backends.get(v.backendId());
                list.add(b == null ? "MISSING" : b.address().withPort(b.port()) + "/" + b.proto() + "/" + b.state());
            }
            out.put(RecordingLbMaps.fmt(key), list);
        });
        return out;
    }

    /** The decoded form of a desired state (what {@link #decode} should return after a pruning apply). */
    static Map<String, List<String>> decode(LbState state) {
        Map<String, List<String>> out = new TreeMap<>();
        state.frontends().forEach((f, d) -> {
            ServiceKey key = LbEncoding.headerKey(f);
            out.put(RecordingLbMaps.fmt(key), d.backends().stream().map(b -> {
                BackendAddress a = b.address();
                return a.address() + ":" + a.port() + "/" + a.proto() + "/" + b.state();
            }).toList());
        });
        return out;
    }

    /** Entries no header reaches: slots beyond a count or without header, unused backends, unused revnats. */
    static List<String> unreachable(TestLbMaps maps) {
        Map<ServiceKey, ServiceValue> services = maps.services();
        List<String> extra = new ArrayList<>();
        java.util.Set<Integer> usedBackends = new java.util.HashSet<>();
        java.util.Set<Integer> usedServiceIds = new java.util.HashSet<>();
        services.forEach((key, v) -> {
            ServiceValue header = services.get(key.withSlot(0));
            if (key.slot() == 0) {
                usedServiceIds.add(v.serviceId());
            } else if (header == null || key.slot() > header.count()) {
                extra.add("slot " + RecordingLbMaps.fmt(key));
            } else {
                usedBackends.add(v.backendId());
            }
        });
        maps.backends().keySet().stream().filter(id -> !usedBackends.contains(id)).forEach(id -> extra.add("backend " + id));
        Map<Integer, RevNatValue> revNats = maps.revNats();
        revNats.keySet().stream().filter(id -> !usedServiceIds.contains(id)).forEach(id -> extra.add("revnat " + id));
        return extra;
    }
}
