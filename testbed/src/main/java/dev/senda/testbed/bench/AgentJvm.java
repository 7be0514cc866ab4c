package dev.senda.testbed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's JVM command as the launcher's {@code run_agent} builds it for {@code senda agent}: the
 * options file {@code deploy/agent-jvm.args}, the class-data archive written at the first exit
 * ({@code -XX:+AutoCreateSharedArchive}) and the control plane's jar with its dependency jars
 * ({@code control-plane/target}), so a benchmark measures what a user runs.
 *
 * @param home    the repository (the launcher's SENDA_HOME)
 * @param java    the java binary
 * @param archive the class-data archive (the launcher's is {@code control-plane/target/senda-agent.jsa});
 *                empty: none, JDK classes only from the JDK's default archive
 * @param extra   options after the options file (later options win), e.g. a sizing variant; entries
 *                {@code ENV:NAME=VALUE} are environment variables of the JVM ({@link #ofThisJdk} also
 *                takes {@code HOME:PATH})
 */
public record AgentJvm(Path home, Path java, Optional<Path> archive, List<String> extra) {
    public static final String OPTIONS_FILE = "deploy/agent-jvm.args";
    /** An {@code extra} entry {@code ENV:NAME=VALUE} sets an environment variable (e.g. MALLOC_ARENA_MAX) instead. */
    public static final String ENV_PREFIX = "ENV:";
    /**
     * An {@code extra} entry {@code HOME:PATH} given to {@link #ofThisJdk} runs another checkout's build
     * (its options file and jars) instead: two builds compared taking turns, in one run of a benchmark.
     */
    public static final String HOME_PREFIX = "HOME:";
    /** The environment run_agent (and the image's ENV) gives the agent's JVM. */
    public static final List<String> LAUNCHER_ENV = List.of("MALLOC_ARENA_MAX=2");

    public AgentJvm {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(archive, "archive");
        extra = List.copyOf(extra);
    }

    /**
     * This JVM's java binary and the repository found by {@link #findHome()}, or the one an {@code extra}
     * entry {@code HOME:PATH} names (the last one, if several; the entry is not passed on).
     */
    public static AgentJvm ofThisJdk(Optional<Path> archive, List<String> extra) throws IOException {
        Path home = null;
        List<String> rest = new ArrayList<>();
        for (String o : extra) {
            if (o.startsWith(HOME_PREFIX)) {
                home = Path.of(o.substring(HOME_PREFIX.length())).toAbsolutePath();
            } else {
                rest.add(o);
            }
        }
        return new AgentJvm(home != null ? home : findHome(), Path.of(System.getProperty("java.home"), "bin", "java"),
                archive, rest);
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

    /**
     * {@code env MALLOC_ARENA_MAX=2 java @deploy/agent-jvm.args [-XX:SharedArchiveFile=<archive> -XX:+AutoCreateSharedArchive]
     * -Dsenda.home=.. -Dsenda.launcher=.. <extra> -cp <jar>:<lib>/* dev.senda.cli.Main}.
     */
    public List<String> command() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("env"); // execs java: the PID stays the JVM's
        cmd.addAll(LAUNCHER_ENV);
        extra.stream().filter(o -> o.startsWith(ENV_PREFIX)).map(o -> o.substring(ENV_PREFIX.length())).forEach(cmd::add);
        cmd.add(java.toString());
        cmd.add("@" + home.resolve(OPTIONS_FILE));
        archive.ifPresent(a -> cmd.addAll(List.of("-XX:SharedArchiveFile=" + a, "-XX:+AutoCreateSharedArchive")));
        cmd.add("-Dsenda.home=" + home);
        cmd.add("-Dsenda.launcher=" + home.resolve("senda"));
        extra.stream().filter(o -> !o.startsWith(ENV_PREFIX)).forEach(cmd::add);
        cmd.add("-cp");
        cmd.add(agentJar() + ":" + home.resolve("control-plane/target/lib") + "/*");
        cmd.add("dev.senda.cli.Main");
        return cmd;
    }
}
