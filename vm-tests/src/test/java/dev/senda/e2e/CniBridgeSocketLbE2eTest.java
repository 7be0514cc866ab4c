package dev.senda.e2e;

/** {@link CniServicesE2e} on {@link CniLayout#BRIDGE_HOST_LOCAL}, socket LB (per-packet LB on the devices too). */
class CniBridgeSocketLbE2eTest extends CniServicesE2e {
    @Override
    CniLayout layout() {
        return CniLayout.BRIDGE_HOST_LOCAL;
    }

    @Override
    boolean socketLb() {
        return true;
    }
}
