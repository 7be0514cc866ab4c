package dev.senda.e2e;

/** {@link CniServicesE2e} on {@link CniLayout#PTP_HOST_LOCAL_ROUTED}, socket LB (per-packet LB on the devices too). */
class CniPtpSocketLbE2eTest extends CniServicesE2e {
    @Override
    CniLayout layout() {
        return CniLayout.PTP_HOST_LOCAL_ROUTED;
    }

    @Override
    boolean socketLb() {
        return true;
    }
}
