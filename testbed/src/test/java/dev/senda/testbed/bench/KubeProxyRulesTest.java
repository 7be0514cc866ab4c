package dev.senda.testbed.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule sets the benchmark loads have kube-proxy's structure (their loading is ConnectBenchE2eTest's). */
class KubeProxyRulesTest {
    private static final BenchServices SET = new BenchServices(2, List.of("10.244.7.11", "10.244.7.12", "10.244.7.13"));

    @Test
    void iptablesServicesAreALinearChainEndingWithTheNodePortsJump() {
        List<String> services = IptablesRules.render(SET).lines().filter(l -> l.startsWith("-A KUBE-SERVICES ")).toList();
        assertEquals(3, services.size(), String.join("\n", services));
        assertTrue(services.get(0).contains("-d 10.96.1.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-"), services.get(0));
        assertTrue(services.get(1).contains("-d 10.96.1.2/32 "), "the last Service is the last rule before node ports: " + services);
        assertTrue(services.get(2).endsWith("-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"), services.get(2));
    }

    @Test
    void iptablesServiceChainPicksEndpointsWithDecreasingOddsAndTheLastUnconditionally() {
        String rules = IptablesRules.render(SET);
        String svc = ChainNames.iptablesService(SET.last().portName(), "tcp");
        List<String> chain = rules.lines().filter(l -> l.startsWith("-A " + svc + " ")).toList();
        assertEquals(4, chain.size(), String.join("\n", chain));
        assertTrue(chain.get(0).contains("! -s 10.244.0.0/16 -d 10.96.1.2/32") && chain.get(0).endsWith("-j KUBE-MARK-MASQ"), chain.get(0));
        assertTrue(chain.get(1).contains("--probability 0.3333333333 -j KUBE-SEP-"), chain.get(1));
        assertTrue(chain.get(2).contains("--probability 0.5000000000 -j KUBE-SEP-"), chain.get(2));
        assertFalse(chain.get(3).contains("statistic"), chain.get(3));
        String sep = ChainNames.iptablesEndpoint(SET.last().portName(), "tcp", "10.244.7.13:8080");
        assertTrue(chain.get(3).endsWith("-j " + sep), chain.get(3));
        List<String> endpoint = rules.lines().filter(l -> l.startsWith("-A " + sep + " ")).toList();
        assertEquals(2, endpoint.size());
        assertTrue(endpoint.get(0).endsWith("-s 10.244.7.13/32 -j KUBE-MARK-MASQ"), endpoint.get(0));
        assertTrue(endpoint.get(1).endsWith("-j DNAT --to-destination 10.244.7.13:8080"), endpoint.get(1));
        assertTrue(rules.contains(":" + sep + " - [0:0]\n"), "every chain is declared");
    }

    @Test
    void nftablesLooksServicesUpInAVerdictMapAndPicksEndpointsWithNumgen() {
        String rules = NftRules.render(SET);
        String svc = ChainNames.nftService("bench", "svc-00001", "tcp", "http");
        assertTrue(rules.contains("add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips\n"), rules);
        assertTrue(rules.contains("add element ip kube-proxy service-ips { 10.96.1.2 . tcp . 80 : goto " + svc + " }\n"), rules);
        String ep0 = ChainNames.nftEndpoint("bench", "svc-00001", "tcp", "http", "10.244.7.11", 8080);
        assertTrue(rules.contains("add rule ip kube-proxy " + svc + " numgen random mod 3 vmap { 0 : goto " + ep0 + ", "), rules);
        assertTrue(rules.contains("add rule ip kube-proxy " + ep0 + " meta l4proto tcp dnat to 10.244.7.11:8080\n"), rules);
        List<String> lines = rules.lines().toList();
        int lastChain = 0;
        int firstRule = Integer.MAX_VALUE;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("add chain ")) lastChain = i;
            if (lines.get(i).startsWith("add rule ")) firstRule = Math.min(firstRule, i);
        }
        assertTrue(lastChain < firstRule, "chains are declared before any rule refers to them");
    }

    @Test
    void chainNamesAreStableShortAndDistinct() {
        String a = ChainNames.iptablesService("bench/svc-00000:http", "tcp");
        assertEquals(a, ChainNames.iptablesService("bench/svc-00000:http", "tcp"));
        assertNotEquals(a, ChainNames.iptablesService("bench/svc-00001:http", "tcp"));
        assertEquals(25, a.length());
        assertTrue(a.matches("KUBE-SVC-[A-Z2-7]{16}"), a);
        assertTrue(ChainNames.nftService("bench", "svc-00000", "tcp", "http").matches("service-[A-Z2-7]{8}-bench/svc-00000/tcp/http"));
    }
}
