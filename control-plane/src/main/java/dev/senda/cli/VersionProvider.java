package dev.senda.cli;

import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The build's version ({@code senda 0.1.0-SNAPSHOT}), from {@code version.properties}, which Maven fills
 * in at build time: the same answer from the jar, from {@code target/classes} (how the launcher runs)
 * and from the image.
 */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"senda " + version()};
    }

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) return "development";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "development");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives every command of {@code root}'s tree that has {@code --version} (picocli's standard help
     * options) this provider, so {@code senda bpf lb list --version} answers as {@code senda --version}
     * does, for commands added later too.
     */
    static void installEverywhere(CommandLine root) {
        CommandLine.Model.CommandSpec spec = root.getCommandSpec();
        if (spec.mixinStandardHelpOptions() && spec.versionProvider() == null) spec.versionProvider(new VersionProvider());
        for (CommandLine sub : root.getSubcommands().values()) installEverywhere(sub);
    }
}
