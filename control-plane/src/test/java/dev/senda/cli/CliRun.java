package dev.senda.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs a command line in this JVM the way {@code ./senda} would and returns what it printed. */
final class CliRun {
    private CliRun() {
    }

    /** Standard output of a command that must exit 0. */
    static String stdout(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            assertEquals(0, Main.execute(args), String.join(" ", args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
