package dev.senda.desired;

import dev.senda.model.Service;
import dev.senda.model.ServicePort;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Service's {@code spec.ports}, validated: at least one; each with a number in 1..65535 and a
 * protocol Senda balances (TCP, UDP, SCTP; TCP when unset); names distinct, and number/protocol
 * pairs distinct (two frontends would collide otherwise).
 */
final class ServicePorts {
    private ServicePorts() {
    }

    /** The valid ports in spec order; problems are appended, and any problem means the result must not be used. */
    static List<ParsedPort> parse(Service svc, List<String> problems) {
        if (svc.ports().isEmpty()) {
            problems.add("no ports");
            return List.of();
        }
        List<ParsedPort> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> numbers = new HashSet<>();
        for (int i = 0; i < svc.ports().size(); i++) {
            ServicePort p = svc.ports().get(i);
            String where = "spec.ports[" + i + "]" + (p.name().isEmpty() ? "" : " (\"" + p.name() + "\")");
            Optional<L4Protocol> proto = L4Protocol.ofApiName(p.protocol());
            boolean ok = true;
            if (proto.isEmpty()) {
                problems.add(where + ": unknown protocol \"" + p.protocol() + "\"");
                ok = false;
            }
            if (p.port() == null) {
                problems.add(where + ": no port number");
                ok = false;
            } else if (p.port() < 1 || p.port() > 0xffff) {
                problems.add(where + ": port " + p.port() + " is out of range 1..65535");
                ok = false;
            }
            if (!names.add(p.name())) {
                problems.add(where + ": duplicate port name \"" + p.name() + "\"");
                ok = false;
            }
            if (ok && !numbers.add(p.port() + "/" + proto.get())) {
                problems.add(where + ": duplicate port " + p.port() + "/" + proto.get());
                ok = false;
            }
            if (ok) out.add(new ParsedPort(p.name(), p.port(), proto.get()));
        }
        return out;
    }
}
