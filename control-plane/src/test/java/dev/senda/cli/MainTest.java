package dev.senda.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Wrong flags are refused before anything touches the kernel. */
class MainTest {
    @Test
    void unknownFlagIsAUsageError() {
        assertEquals(2, Main.execute("agent", "--no-such-flag"));
    }

    @Test
    void badBindAddressIsRefused() {
        assertNotEquals(0, Main.execute("agent", "--source", "dir:/nonexistent", "--node-name", "n",
                "--healthz-bind", "nonsense"));
    }

    @Test
    void nonPositiveFileBoundIsRefused() {
        assertNotEquals(0, Main.execute("agent", "--source", "dir:/nonexistent", "--node-name", "n",
                "--source-max-file-bytes", "0"));
        assertEquals(2, Main.execute("agent", "--source-max-file-bytes", "lots"));
    }

    @Test
    void badNodePortAddressesAreRefused() {
        assertNotEquals(0, Main.execute("agent", "--source", "dir:/nonexistent", "--node-name", "n",
                "--nodeport-addresses", "primary,10.0.0.0/33"));
    }

    @Test
    void badOutputFormatIsRefused() {
        assertNotEquals(0, Main.execute("bpf", "lb", "list", "-o", "yaml", "--bpffs-root", "/nonexistent"));
    }
}
