package dev.senda.e2e;

import dev.senda.cli.LbListing;
import dev.senda.maps.lb.LbMaps;
import dev.senda.testbed.Testbed;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The frontends a node's agent has programmed, read from its pinned maps in this JVM: the rows
 * {@code senda bpf lb list} prints, without starting a JVM per look.
 */
final class ProgrammedFrontends {
    private ProgrammedFrontends() {
    }

    /** Every frontend (slot-0 header) in the node's load-balancer maps, both families. */
    static List<LbListing.Row> of(E2eCluster c, Testbed node) {
        try (LbMaps maps = LbMaps.openPinned(c.agent(node).settings().bpffsRoot())) {
            return LbListing.of(maps).rows();
        }
    }

    /** The frontends whose address is one of {@code addresses} (canonical IP literals). */
    static List<LbListing.Row> at(E2eCluster c, Testbed node, Set<String> addresses) {
        return of(c, node).stream().filter(r -> addresses.contains(r.address())).toList();
    }

    /** "address:port/PROTO type" of each row, sorted: what a failure message shows. */
    static Set<String> describe(List<LbListing.Row> rows) {
        Set<String> out = new TreeSet<>();
        rows.forEach(r -> out.add(r.frontend() + " " + r.type()));
        return out;
    }
}
