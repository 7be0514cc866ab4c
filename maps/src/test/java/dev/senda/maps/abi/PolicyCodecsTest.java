package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyConfig;
import dev.senda.maps.policy.PolicyCtKey;
import dev.senda.maps.policy.PolicyCtValue;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.maps.policy.PolicyStatsKey;
import dev.senda.maps.policy.PolicyVerdict;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The NetworkPolicy structs of bpf/lib/abi/policy*.h: sizes, bytes and round trips. */
class PolicyCodecsTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @Test
    void sizesMatchTheHeaders() {
        assertEquals(4, Codecs.POLEP4_KEY.size());
        assertEquals(16, Codecs.POLEP6_KEY.size());
        assertEquals(8, Codecs.POLEP_VALUE.size());
        assertEquals(16, Codecs.POLRULE4_KEY.size());
        assertEquals(28, Codecs.POLRULE6_KEY.size());
        assertEquals(8, Codecs.POLPORT.size());
        assertEquals(132, Codecs.POLRULE_VALUE.size());
        assertEquals(16, Codecs.POLCT4_KEY.size());
        assertEquals(40, Codecs.POLCT6_KEY.size());
        assertEquals(8, Codecs.POLCT_VALUE.size());
        assertEquals(4, Codecs.POLSTATS_KEY.size());
        assertEquals(4, Codecs.POLCFG.size());
    }

    @Test
    void aRuleKeyCountsTheEndpointAndDirectionInItsPrefixLength() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        PolicyRuleKey k = PolicyRuleKey.of(7, RuleDirection.EGRESS, IpAddress.parse("10.244.1.77").orElseThrow(), 24);
        assertEquals("58 00 00 00 07 00 00 00 01 00 00 00 0a f4 01 00", HEX.formatHex(Codecs.POLRULE4_KEY.encode(k)));
        assertEquals(k, Codecs.POLRULE4_KEY.decode(Codecs.POLRULE4_KEY.encode(k)));
        PolicyRuleKey k6 = PolicyRuleKey.of(9, RuleDirection.INGRESS, IpAddress.parse("fd00:10:244:1::5").orElseThrow(), 128);
        assertEquals(k6, Codecs.POLRULE6_KEY.decode(Codecs.POLRULE6_KEY.encode(k6)));
    }

    @Test
    void aRuleValueHoldsItsRangesInOrderAndZeroesTheRest() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        PolicyRuleValue v = new PolicyRuleValue(List.of(new PolicyPort(6, 80, 81, 3), new PolicyPort(0, 0, 65535, 4)));
        byte[] bytes = Codecs.POLRULE_VALUE.encode(v);
        assertEquals("02 00 00 00 50 00 51 00 06 00 03 00 00 00 ff ff 00 00 04 00",
                HEX.formatHex(bytes, 0, 20));
        assertArrayEquals(new byte[132 - 20], java.util.Arrays.copyOfRange(bytes, 20, 132));
        assertEquals(v, Codecs.POLRULE_VALUE.decode(bytes));
        assertEquals(new PolicyRuleValue(List.of()), Codecs.POLRULE_VALUE.decode(new byte[132]));
    }

    @Test
    void moreThanSixteenRangesDoNotFit() {
        assertThrows(IllegalArgumentException.class,
                () -> new PolicyRuleValue(Collections.nCopies(17, new PolicyPort(6, 1, 1, 1))));
    }

    @Test
    void endpointsConntrackCountersAndConfigRoundTrip() {
        PolicyEndpointValue ep = new PolicyEndpointValue(5, true, false);
        assertEquals(ep, Codecs.POLEP_VALUE.decode(Codecs.POLEP_VALUE.encode(ep)));
        assertEquals(1, Codecs.POLEP_VALUE.encode(ep)[4]);
        PolicyEndpointKey ek = new PolicyEndpointKey(IpAddress.parse("fd00:10:244:1::5").orElseThrow());
        assertEquals(ek, Codecs.POLEP6_KEY.decode(Codecs.POLEP6_KEY.encode(ek)));
        PolicyCtKey ct = new PolicyCtKey(IpAddress.parse("10.0.0.1").orElseThrow(), IpAddress.parse("10.0.0.2").orElseThrow(), 40000, 80, 6);
        assertEquals("0a 00 00 01 0a 00 00 02 9c 40 00 50 06 00 00 00", HEX.formatHex(Codecs.POLCT4_KEY.encode(ct)));
        assertEquals(ct, Codecs.POLCT4_KEY.decode(Codecs.POLCT4_KEY.encode(ct)));
        PolicyCtValue cv = new PolicyCtValue(0xfffffff0L, 9, RuleDirection.EGRESS);
        assertEquals(cv, Codecs.POLCT_VALUE.decode(Codecs.POLCT_VALUE.encode(cv)));
        PolicyStatsKey sk = new PolicyStatsKey(300, RuleDirection.INGRESS, PolicyVerdict.PENDING_DROP);
        assertEquals(sk, Codecs.POLSTATS_KEY.decode(Codecs.POLSTATS_KEY.encode(sk)));
        assertEquals(new PolicyConfig(true), Codecs.POLCFG.decode(Codecs.POLCFG.encode(new PolicyConfig(true))));
    }
}
