package dev.senda.maps.lb;

import java.util.Map;

/**
 * An {@link LbMaps} that forwards to a delegate but fails a chosen write, to prove that a
 * caller (the reconciler) converges after failed writes.
 *
 * <p>Writes are the six put/delete methods, counted from 1 in call order. The armed write
 * throws {@link MapWriteException} without reaching the delegate (so, as the {@link LbMaps}
 * contract requires, the entry stays as it was). Reads always pass through. Thread-safe.
 */
public final class FaultInjectingLbMaps implements LbMaps {
    private final LbMaps delegate;
    private long writes;
    private long failAt;     // absolute write number that fails; 0 = none armed
    private long failures;

    /** A pass-through wrapper with no failure armed. */
    public FaultInjectingLbMaps(LbMaps delegate) {
        this.delegate = delegate;
    }

    /** A wrapper whose {@code n}-th write (1-based) fails. */
    public FaultInjectingLbMaps(LbMaps delegate, int n) {
        this(delegate);
        failNthWriteFromNow(n);
    }

    /** Arms one failure: the {@code n}-th write after this call (1 = the very next one). */
    public synchronized void failNthWriteFromNow(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
        failAt = writes + n;
    }

    /** Disarms a pending failure. */
    public synchronized void disarm() {
        failAt = 0;
    }

    /** Writes attempted so far, failed ones included. */
    public synchronized long writes() {
        return writes;
    }

    /** Writes failed on purpose so far. */
    public synchronized long failures() {
        return failures;
    }

    public LbMaps delegate() {
        return delegate;
    }

    @Override
    public void putBackend(int backendId, BackendValue value) {
        count("putBackend " + Integer.toUnsignedString(backendId));
        delegate.putBackend(backendId, value);
    }

    @Override
    public void deleteBackend(int backendId) {
        count("deleteBackend " + Integer.toUnsignedString(backendId));
        delegate.deleteBackend(backendId);
    }

    @Override
    public void putService(ServiceKey key, ServiceValue value) {
        count("putService " + KernelLbMaps.describe(key));
        delegate.putService(key, value);
    }

    @Override
    public void deleteService(ServiceKey key) {
        count("deleteService " + KernelLbMaps.describe(key));
        delegate.deleteService(key);
    }

    @Override
    public void putRevNat(int serviceId, RevNatValue value) {
        count("putRevNat " + Integer.toUnsignedString(serviceId));
        delegate.putRevNat(serviceId, value);
    }

    @Override
    public void deleteRevNat(int serviceId) {
        count("deleteRevNat " + Integer.toUnsignedString(serviceId));
        delegate.deleteRevNat(serviceId);
    }

    @Override
    public Map<ServiceKey, ServiceValue> services() {
        return delegate.services();
    }

    @Override
    public Map<Integer, BackendValue> backends() {
        return delegate.backends();
    }

    @Override
    public Map<Integer, RevNatValue> revNats() {
        return delegate.revNats();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private synchronized void count(String what) {
        writes++;
        if (writes == failAt) {
            failAt = 0;
            failures++;
            throw new MapWriteException("injected failure of write #" + writes + ": " + what);
        }
    }
}
