package dev.senda.maps.abi;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/**
 * {@code struct senda_nodeaddr4} (4 bytes) / {@code senda_nodeaddr6} (16 bytes): this node's address
 * of one family, the all-zero address standing for none.
 */
public final class NodeAddrCodec extends StructCodec<IpAddress> {
    public NodeAddrCodec(IpFamily family) {
        super(FamilyStructs.name("nodeaddr", family, ""), MemoryLayout.structLayout(address(family, "address")));
    }

    @Override
    protected void write(IpAddress v, StructBuffer out) {
        out.putAddress("address", v);
    }

    @Override
    protected IpAddress read(StructBuffer in) {
        return in.getAddress("address");
    }
}
