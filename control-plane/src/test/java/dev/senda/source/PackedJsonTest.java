package dev.senda.source;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackedJsonTest {
    private final PackedJson packer = new PackedJson();

    private static String slice(int i) {
        StringBuilder b = new StringBuilder("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":"
                + "{\"labels\":{\"kubernetes.io/service-name\":\"svc-" + i + "\"},\"name\":\"svc-" + i + "-1\",\"namespace\":\"ns-3\","
                + "\"resourceVersion\":\"" + (1000 + i) + "\"},\"addressType\":\"IPv4\",\"endpoints\":[");
        for (int j = 0; j < 10; j++) {
            if (j > 0) b.append(',');
            b.append("{\"addresses\":[\"10.128.").append(i % 250).append('.').append(j)
                    .append("\"],\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false}}");
        }
        return b.append("],\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]}").toString();
    }

    @Test
    void packsSmallObjectsToAFractionAndGivesBackTheSameBytes() {
        byte[] json = slice(7).getBytes(StandardCharsets.UTF_8);
        PackedJson.Packed packed = packer.pack(json);
        assertEquals(json.length, packed.length());
        assertTrue(packed.deflated().length * 3 < json.length, packed.deflated().length + " of " + json.length);
        assertArrayEquals(json, packed.json());

    }

    @Test
    void writesAnObjectLargerThanItsPieceInPiecesThatAddUpToTheJson() throws Exception {
        byte[] noise = new byte[100_000];
        new Random(2).nextBytes(noise);
        PackedJson.Packed packed = packer.pack(noise);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        int[] largest = {0};
        packed.writeTo(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                all.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                largest[0] = Math.max(largest[0], len);
                all.write(b, off, len);
            }
        });
        assertArrayEquals(noise, all.toByteArray());
        assertTrue(largest[0] <= 8192, "no copy of the whole object: pieces of at most 8 KiB, got " + largest[0]);
    }

    @Test
    void oneBufferServesManyObjectsOfAnySizeAndEachUnpacksAlone() {
        PackedJson.Packed small = packer.pack("{}".getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[100_000]; // incompressible and larger than the packer's buffer
        new Random(1).nextBytes(noise);
        PackedJson.Packed large = packer.pack(noise);
        PackedJson.Packed empty = packer.pack(new byte[0]);
        assertArrayEquals(noise, large.json());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), small.json());
        assertEquals(0, empty.json().length);
    }
}
