package dev.senda.e2e;

/** {@link CniServicesE2e} on {@link CniLayout#BRIDGE_VXLAN_OVERLAY}, socket LB (per-packet LB on the devices too). */
class CniVxlanSocketLbE2eTest extends CniServicesE2e {
    @Override
    CniLayout layout() {
        return CniLayout.BRIDGE_VXLAN_OVERLAY;
    }

    @Override
    boolean socketLb() {
        return true;
    }
}
