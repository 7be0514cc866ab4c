package dev.senda.e2e;

/** {@link CniServicesE2e} on {@link CniLayout#BRIDGE_HOST_LOCAL}, per-packet LB only. */
class CniBridgePerPacketE2eTest extends CniServicesE2e {
    @Override
    CniLayout layout() {
        return CniLayout.BRIDGE_HOST_LOCAL;
    }

    @Override
    boolean socketLb() {
        return false;
    }
}
