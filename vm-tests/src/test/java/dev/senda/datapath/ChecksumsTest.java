package dev.senda.datapath;

import org.junit.jupiter.api.Test;

import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tests' own CRC32c against a published vector and the JDK's implementation. */
class ChecksumsTest {
    @Test
    void crc32cOf32ZeroBytesIsTheRfc3720Vector() {
        // RFC 3720 B.4: 32 bytes of zeros -> CRC 0x8a9136aa
        assertEquals(0x8a9136aa, Checksums.crc32c(new byte[32], 0, 32));
    }

    @Test
    void crc32cAgreesWithTheJdkOnEveryLengthUpTo300() {
        byte[] b = new byte[300];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + 17);
        for (int len = 0; len <= b.length; len++) {
            CRC32C jdk = new CRC32C();
            jdk.update(b, 0, len);
            assertEquals((int) jdk.getValue(), Checksums.crc32c(b, 0, len), "length " + len);
        }
    }
}
