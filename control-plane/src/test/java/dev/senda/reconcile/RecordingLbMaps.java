package dev.senda.reconcile;

import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.MapWriteException;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test {@link LbMaps} wrapper: logs every write as a short line ("putBackend 1", "putService
 * 10.96.0.1:80/TCP/EXTERNAL#0 count=2", ...), can fail the Nth write (1-based, counting attempts)
 * with a {@link MapWriteException} before it reaches the delegate, and checks after every write
 * that a datapath reader would see a consistent state ({@link #violations()}).
 */
final class RecordingLbMaps implements LbMaps {
    private final LbMaps delegate;
    private final List<String> ops = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private int attempts;
    private int failAt = -1;

    RecordingLbMaps(LbMaps delegate) {
        this.delegate = delegate;
    }

    /** Makes the {@code n}-th write attempt from now fail (1 = the next one). */
    void failNthWrite(int n) {
        failAt = attempts + n;
    }

    /** Cancels a pending {@link #failNthWrite}. */
    void disarm() {
        failAt = -1;
    }

    List<String> ops() {
        return List.copyOf(ops);
    }

    void clearOps() {
        ops.clear();
    }

    void clearViolations() {
        violations.clear();
    }

    /** Every moment (after a write) where a header's slots, backends or reverse NAT were missing. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    private void write(String op, Runnable action) {
        attempts++;
        if (attempts == failAt) {
            failAt = -1;
            throw new MapWriteException("injected failure of write #" + attempts + " (" + op + ")");
        }
        action.run();
        ops.add(op);
        checkInvariant(op);
    }

    /** What a reader relies on: header count c => slots 1..c exist, point at backends; revnat exists. */
    private void checkInvariant(String after) {
        Map<ServiceKey, ServiceValue> services = delegate.services();
        Map<Integer, BackendValue> backends = delegate.backends();
        Map<Integer, RevNatValue> revNats = delegate.revNats();
        services.forEach((key, value) -> {
            if (key.slot() != 0) return;
            if (!revNats.containsKey(value.serviceId())) {
                violations.add("after " + after + ": " + fmt(key) + " has no revnat " + value.serviceId());
            }
            for (int slot = 1; slot <= value.count(); slot++) {
                ServiceValue s = services.get(key.withSlot(slot));
                if (s == null) {
                    violations.add("after " + after + ": " + fmt(key.withSlot(slot)) + " missing");
                } else if (!backends.containsKey(s.backendId())) {
                    violations.add("after " + after + ": " + fmt(key.withSlot(slot)) + " -> missing backend " + s.backendId());
                }
            }
        });
    }

    static String fmt(ServiceKey k) {
        return k.address().getHostAddress() + ":" + k.port() + "/" + k.proto() + "/" + k.scope() + "#" + k.slot();
    }

    @Override
    public void putBackend(int backendId, BackendValue value) {
        write("putBackend " + backendId, () -> delegate.putBackend(backendId, value));
    }

    @Override
    public void deleteBackend(int backendId) {
        write("deleteBackend " + backendId, () -> delegate.deleteBackend(backendId));
    }

    @Override
    public void putService(ServiceKey key, ServiceValue value) {
        String what = key.slot() == 0 ? " count=" + value.count() : " -> " + value.backendId();
        write("putService " + fmt(key) + what, () -> delegate.putService(key, value));
    }

    @Override
    public void deleteService(ServiceKey key) {
        write("deleteService " + fmt(key), () -> delegate.deleteService(key));
    }

    @Override
    public void putRevNat(int serviceId, RevNatValue value) {
        write("putRevNat " + serviceId, () -> delegate.putRevNat(serviceId, value));
    }

    @Override
    public void deleteRevNat(int serviceId) {
        write("deleteRevNat " + serviceId, () -> delegate.deleteRevNat(serviceId));
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
}
