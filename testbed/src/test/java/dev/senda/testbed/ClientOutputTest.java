package dev.senda.testbed;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a pod client prints, read back into results, for both families. */
class ClientOutputTest {

    @Test
    void ipv4Answer() throws IOException {
        ClientResult r = PodClient.parse("OK 3 10.96.0.10:80 echo-b 10.244.0.13 8080");
        assertTrue(r.ok());
        assertEquals("10.96.0.10:80", r.remote());
        assertEquals(Optional.of("10.96.0.10"), r.remoteIp());
        assertEquals(Optional.of("echo-b"), r.pod());
        assertEquals(Optional.of("10.244.0.13"), r.peer());
        assertEquals(Optional.of(8080), r.serverPort());
    }

    @Test
    void ipv6AnswerHasABracketedRemote() throws IOException {
        ClientResult r = PodClient.parse("OK 2 [fd00:96::a]:80 echo-a fd00:10:244::13 8080");
        assertEquals("[fd00:96::a]:80", r.remote());
        assertEquals(Optional.of("fd00:96::a"), r.remoteIp());
        assertEquals(Optional.of("fd00:10:244::13"), r.peer());
    }

    @Test
    void errorKeepsTheClientsWords() throws IOException {
        ClientResult r = PodClient.parse("ERR 0 connect: Connection refused");
        assertFalse(r.ok());
        assertEquals("connect: Connection refused", r.error());
        assertEquals(Optional.empty(), r.remoteIp());
    }

    @Test
    void aTargetThatIsNoLiteralIsAnErrorLineNotACrash() {
        String line = ClientMain.handle("tcp fd00::1%eth0 80 100");
        assertTrue(line.startsWith("ERR ") && line.contains("not an IP literal"), line);
    }
}
