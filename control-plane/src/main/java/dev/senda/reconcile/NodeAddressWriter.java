package dev.senda.reconcile;

import dev.senda.maps.nat.NodeAddrKey;
import dev.senda.maps.table.MapWriteException;
import dev.senda.maps.table.TypedMap;
import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps {@code senda_nodeaddr{4,6}_v1} equal to this node's primary address per family (its Node
 * object's first InternalIP, else ExternalIP, of that family): the source the datapath gives flows
 * from outside that it balances to a backend behind another node ({@code bpf/lib/abi/nat.h}). A
 * family without an address gets the all-zero address, and the datapath drops such flows rather than
 * send them with a source the backend's replies would not come back to. Writes only what changed,
 * counting from what the (pinned) map holds when the writer is made: an agent restarted on the same
 * node writes nothing here.
 */
public final class NodeAddressWriter {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAddressWriter.class);

    private final TypedMap<NodeAddrKey, IpAddress> table;
    private final Map<IpFamily, IpAddress> written = new EnumMap<>(IpFamily.class);

    /** Reads what {@code table} holds now (a restarted agent finds its predecessor's addresses). */
    public NodeAddressWriter(TypedMap<NodeAddrKey, IpAddress> table) {
        this.table = Objects.requireNonNull(table, "table");
        table.entries().forEach((key, address) -> written.put(key.family(), address));
    }

    /** Writes {@code node}'s primary addresses; logs the new ones, and a failed write once per call. */
    public synchronized void write(NodeInfo node) {
        for (IpFamily family : IpFamily.values()) {
            IpAddress want = node.primaryAddresses().stream().filter(a -> a.family() == family).findFirst()
                    .orElse(none(family));
            if (want.equals(written.get(family))) continue;
            try {
                table.put(new NodeAddrKey(family), want);
                written.put(family, want);
                LOG.info("source NAT address {}: {}", family, want.equals(none(family)) ? "(none)" : want);
            } catch (MapWriteException e) {
                LOG.warn("cannot write the {} source NAT address {}: {}", family, want, e.getMessage());
            }
        }
    }

    private static IpAddress none(IpFamily family) {
        return IpAddress.of(new byte[family.byteLength()]);
    }
}
