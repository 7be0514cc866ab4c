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

    /** Exit code and standard error of a command line. */
    record Failure(int exitCode, String stderr) {
    }

    /** Runs a command line capturing its standard error. */
    static Failure stderr(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            code = Main.execute(args);
        } finally {
            System.setErr(saved);
        }
        return new Failure(code, err.toString(StandardCharsets.UTF_8));
    }
}
