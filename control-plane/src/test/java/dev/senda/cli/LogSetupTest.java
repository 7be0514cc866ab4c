package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a log line looks like in each format, and that the level filters. */
class LogSetupTest {
    private static final Logger LOG = LoggerFactory.getLogger(LogSetupTest.class);

    @AfterEach
    void restoreDefault() {
        LogSetup.apply("info", LogSetup.Format.TEXT);
    }

    @Test
    void textLinesCarryATimestampAndALevel() {
        List<String> lines = captured(LogSetup.Format.TEXT, "info", () -> {
            LOG.info("programmed {} frontends", 3);
            LOG.debug("not shown at info");
        });
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  LogSetupTest: programmed 3 frontends"),
                lines.getFirst());
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        List<String> lines = captured(LogSetup.Format.JSON, "warn", () -> {
            LOG.info("filtered out at warn");
            LOG.warn("rejected {}", "Service default/x");
        });
        assertEquals(1, lines.size(), lines.toString());
        JsonNode event = new ObjectMapper().readTree(lines.getFirst());
        assertEquals("WARN", event.get("level").asText());
        assertEquals("rejected Service default/x", event.get("formattedMessage").asText());
        assertEquals(LogSetupTest.class.getName(), event.get("loggerName").asText());
        assertTrue(event.get("timestamp").asLong() > 0, lines.getFirst());
    }

    @Test
    void anUnknownLevelNamesTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogSetup.apply("loud", LogSetup.Format.TEXT));
        assertTrue(e.getMessage().startsWith("--log-level: invalid value 'loud'"), e.getMessage());
    }

    /** The lines logged by {@code body} with the given settings (the appender writes to System.err as it is at setup). */
    private static List<String> captured(LogSetup.Format format, String level, Runnable body) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            LogSetup.apply(level, format);
            body.run();
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
}
