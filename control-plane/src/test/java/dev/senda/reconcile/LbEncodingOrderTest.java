package dev.senda.reconcile;

import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reconciler plans entries in frontend order and relies on it being the key order of service entries
 * (the writer's sort then costs one pass): header keys of frontends sorted as frontends are sorted as
 * keys, across families, ports, protocols and scopes.
 */
class LbEncodingOrderTest {
    @Test
    void headerKeysOfFrontendsInFrontendOrderAreInKeyOrder() {
        Random random = new Random(6);
        List<Frontend> frontends = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String address = random.nextBoolean()
                    ? "10.96." + random.nextInt(3) + "." + random.nextInt(256)
                    : "fd00:96::" + Integer.toHexString(random.nextInt(0x300));
            frontends.add(new Frontend(IpAddress.parse(address).orElseThrow(), 1 + random.nextInt(3),
                    L4Protocol.values()[random.nextInt(L4Protocol.values().length)],
                    FrontendScope.values()[random.nextInt(FrontendScope.values().length)]));
        }
        List<ServiceKey> inFrontendOrder = frontends.stream().sorted().distinct().map(LbEncoding::headerKey).toList();
        List<ServiceKey> inKeyOrder = inFrontendOrder.stream().sorted().toList();
        assertEquals(inKeyOrder, inFrontendOrder);
    }
}
