package dev.senda.e2e;

import dev.senda.e2e.NetpolModel.Column;
import dev.senda.testbed.Testbed.Proto;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The expected truth table of every column (TCP and UDP on 80 and 81) of one step of a case, built
 * from allow-all by changes to some columns: {@code allowAll().tcp(80, t -> t.ingress("x", false))}.
 * Upstream checks one column per step; the matrix here checks all four, so a case also states what
 * its policy does to the other protocol and port.
 */
final class NetpolExpectation {
    private final Map<Column, NetpolTruth> byColumn = new LinkedHashMap<>();

    private NetpolExpectation() {
        for (Column c : NetpolModel.COLUMNS) byColumn.put(c, NetpolTruth.allowAll());
    }

    /** Every pair connects on every column. */
    static NetpolExpectation allowAll() {
        return new NetpolExpectation();
    }

    /** Applies {@code change} to the tables of the columns {@code which} selects. */
    NetpolExpectation where(Predicate<Column> which, Consumer<NetpolTruth> change) {
        byColumn.forEach((c, t) -> {
            if (which.test(c)) change.accept(t);
        });
        return this;
    }

    /** Applies {@code change} to every column. */
    NetpolExpectation all(Consumer<NetpolTruth> change) {
        return where(c -> true, change);
    }

    /** Both ports of one protocol. */
    NetpolExpectation proto(Proto proto, Consumer<NetpolTruth> change) {
        return where(c -> c.proto() == proto, change);
    }

    /** Both protocols on one port. */
    NetpolExpectation port(int port, Consumer<NetpolTruth> change) {
        return where(c -> c.port() == port, change);
    }

    /** One column. */
    NetpolExpectation column(Proto proto, int port, Consumer<NetpolTruth> change) {
        return where(c -> c.proto() == proto && c.port() == port, change);
    }

    NetpolTruth get(Column c) {
        return byColumn.get(c);
    }

    /** Whether every column of {@code observed} agrees (the diagonal aside, see {@link NetpolTruth}). */
    boolean matches(Map<Column, NetpolTruth> observed) {
        return byColumn.entrySet().stream().allMatch(e -> e.getValue().matches(observed.get(e.getKey())));
    }
}
