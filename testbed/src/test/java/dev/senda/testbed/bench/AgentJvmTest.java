package dev.senda.testbed.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A variant given {@code HOME:PATH} runs that checkout's build: its options file and its jars. */
class AgentJvmTest {
    @Test
    void homeOptionRunsAnotherCheckoutsBuild(@TempDir Path other) throws IOException {
        Path target = Files.createDirectories(other.resolve("control-plane/target"));
        Files.createFile(target.resolve("senda-control-plane-0.0.1.jar"));
        AgentJvm jvm = AgentJvm.ofThisJdk(Optional.empty(), List.of("-Xmx256m", AgentJvm.HOME_PREFIX + other));

        assertEquals(other.toAbsolutePath(), jvm.home());
        assertEquals(List.of("-Xmx256m"), jvm.extra(), "the HOME entry is no JVM option");
        List<String> cmd = jvm.command();
        assertTrue(cmd.contains("@" + other.toAbsolutePath().resolve(AgentJvm.OPTIONS_FILE)), cmd.toString());
        String classPath = cmd.get(cmd.indexOf("-cp") + 1);
        assertTrue(classPath.startsWith(target.toAbsolutePath().resolve("senda-control-plane-0.0.1.jar") + ":"), classPath);
        assertFalse(cmd.stream().anyMatch(o -> o.startsWith(AgentJvm.HOME_PREFIX)), cmd.toString());
    }
}
