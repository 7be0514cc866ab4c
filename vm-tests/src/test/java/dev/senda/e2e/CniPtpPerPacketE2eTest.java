package dev.senda.e2e;

/** {@link CniServicesE2e} on {@link CniLayout#PTP_HOST_LOCAL_ROUTED}, per-packet LB only. */
class CniPtpPerPacketE2eTest extends CniServicesE2e {
    @Override
    CniLayout layout() {
        return CniLayout.PTP_HOST_LOCAL_ROUTED;
    }

    @Override
    boolean socketLb() {
        return false;
    }
}
