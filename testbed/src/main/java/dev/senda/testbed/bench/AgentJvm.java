package dev.senda.testbed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The agent's JVM command as the launcher's {@code run_java} builds it for {@code senda agent}: the
 * options file {@code deploy/agent-jvm.args} and the control plane's jar with its dependency jars
 * ({@code control-plane/target}), so a benchmark measures what a user runs.
 *
 * @param home  the repository (the launcher's SENDA_HOME)
 * @param java  the java binary
 * @param extra options after the options file (later options win), e.g. a sizing variant
 */
public record AgentJvm(Path home, Path java, List<String> extra) {
    public static final String OPTIONS_FILE = "deploy/agent-jvm.args";

    public AgentJvm {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(java, "java");
        extra = List.copyOf(extra);
    }

    /** This JVM's java binary and the repository found by {@link #findHome()}. */
    public static AgentJvm ofThisJdk(List<String> extra) throws IOException {
        return new AgentJvm(findHome(), Path.of(System.getProperty("java.home"), "bin", "java"), extra);
    }

    /**
     * The repository: {@code senda.home} when set (the launcher sets it), else the first directory
     * upwards from the working directory that holds the launcher and {@value #OPTIONS_FILE}.
     */
    public static Path findHome() throws IOException {
        String prop = System.getProperty("senda.home");
        if (prop != null) return Path.of(prop).toAbsolutePath();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("senda")) && Files.isRegularFile(d.resolve(OPTIONS_FILE))) return d;
        }
        throw new IOException("no Senda repository (launcher and " + OPTIONS_FILE + ") above " + Path.of("").toAbsolutePath());
    }

    /** The built agent jar ({@code control-plane/target/senda-control-plane-*.jar}, not the tests' jar). */
    public Path agentJar() throws IOException {
        Path target = home.resolve("control-plane/target");
        try (var s = Files.list(target)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("senda-control-plane-") && n.endsWith(".jar") && !n.endsWith("-tests.jar");
            }).findFirst().orElseThrow(() -> new IOException("no agent jar in " + target + " (mvn package first)"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no " + target + " (mvn package first)", e);
        }
    }

    /** {@code java @deploy/agent-jvm.args <extra> -cp <jar>:<lib>/* dev.senda.cli.Main}. */
    public List<String> command() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("@" + home.resolve(OPTIONS_FILE));
        cmd.addAll(extra);
        cmd.add("-cp");
        cmd.add(agentJar() + ":" + home.resolve("control-plane/target/lib") + "/*");
        cmd.add("dev.senda.cli.Main");
        return cmd;
    }
}
