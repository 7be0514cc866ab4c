package dev.senda.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CNI network configuration the testbed hands the plugins, and how it reads their ADD results. */
class CniTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Cni bridge = new Cni(CniPlugin.BRIDGE, "sdab12", "node-1", "sdab12-node-1", new AddressPlan(17), 1450);
    private final Cni ptp = new Cni(CniPlugin.PTP, "sdab12", "node-2", "sdab12-node-2", new AddressPlan(18), 0);

    @Test
    void bridgeConfigurationIsPerRunDualStackHostLocalWithoutMasquerade() throws IOException {
        JsonNode c = JSON.readTree(bridge.config());
        assertEquals("1.0.0", c.path("cniVersion").asText());
        assertEquals("sdab12-node-1", c.path("name").asText(), "a network name per run and node");
        assertEquals("bridge", c.path("type").asText());
        assertEquals("cni0", c.path("bridge").asText());
        assertTrue(c.path("isGateway").asBoolean());
        assertTrue(c.path("hairpinMode").asBoolean(), "a pod reaches itself through its Service");
        assertFalse(c.path("ipMasq").asBoolean(), "no iptables rules of the plugin's");
        assertEquals(1450, c.path("mtu").asInt());
        JsonNode ipam = c.path("ipam");
        assertEquals("host-local", ipam.path("type").asText());
        assertEquals("/run/senda-testbed/cni/sdab12/node-1", ipam.path("dataDir").asText(), "never /var/lib/cni/networks");
        JsonNode v4 = ipam.path("ranges").get(0).get(0);
        JsonNode v6 = ipam.path("ranges").get(1).get(0);
        assertEquals("10.244.17.0/24", v4.path("subnet").asText());
        assertEquals("10.244.17.10", v4.path("rangeStart").asText());
        assertEquals("10.244.17.254", v4.path("gateway").asText(), "not the node's own 10.244.17.1");
        assertEquals("fd00:10:244:17::/64", v6.path("subnet").asText());
        assertEquals("fd00:10:244:17::254", v6.path("gateway").asText());
        assertEquals(2, ipam.path("routes").size(), "default routes of both families");
    }

    @Test
    void ptpConfigurationHasNoBridgeAndTheDefaultMtu() throws IOException {
        JsonNode c = JSON.readTree(ptp.config());
        assertEquals("ptp", c.path("type").asText());
        assertTrue(c.path("bridge").isMissingNode());
        assertTrue(c.path("mtu").isMissingNode());
    }

    @Test
    void addResultGivesBothAddressesAndTheHostVethNotTheBridge() throws IOException {
        String result = """
                {"cniVersion":"1.0.0","interfaces":[{"name":"cni0","mac":"aa"},{"name":"veth1234abcd","mac":"bb"},
                 {"name":"eth0","mac":"cc","sandbox":"/run/netns/sdab12-echo"}],
                 "ips":[{"interface":2,"address":"10.244.17.10/24","gateway":"10.244.17.254"},
                        {"interface":2,"address":"fd00:10:244:17:0::10/64","gateway":"fd00:10:244:17::254"}]}
                """;
        Cni.Attachment a = bridge.attachment(result);
        assertEquals(new Cni.Attachment("10.244.17.10", "fd00:10:244:17::10", "veth1234abcd"), a);
    }

    @Test
    void addResultWithoutAnIpv6AddressIsAnError() {
        String result = """
                {"interfaces":[{"name":"veth1"},{"name":"eth0","sandbox":"/run/netns/x"}],
                 "ips":[{"address":"10.244.18.10/24"}]}
                """;
        IOException e = assertThrows(IOException.class, () -> ptp.attachment(result));
        assertTrue(e.getMessage().contains("no address of each family"), e.getMessage());
    }
}
