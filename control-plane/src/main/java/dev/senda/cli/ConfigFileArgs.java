package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code --config FILE}: a command's settings from a YAML (or JSON) file, so a ConfigMap can hold them
 * as kube-proxy's KubeProxyConfiguration does. Each key is a flag's name without its dashes
 * ({@code node-port-addresses: primary}); a value is a scalar, or a list that is joined with commas.
 *
 * <p>The file is turned into flags placed before the command line's own, and a setting given as a flag
 * is left out of them: flags win, and every value goes through the very same parsing and checks as
 * the flag would (so a wrong value names the flag). An unknown key, a nested mapping or a file that is
 * not a mapping is a usage error naming the file and the key, before anything runs.
 */
final class ConfigFileArgs {
    static final String FLAG = "--config";

    private ConfigFileArgs() {
    }

    /**
     * {@code args} with the settings of the {@code --config} file that {@code args} names (if any)
     * inserted before the command's own flags.
     *
     * @param args    the arguments after the subcommand's name
     * @param command the subcommand they are for
     * @throws IllegalArgumentException starting with {@code --config}: the file cannot be read or holds
     *                                  something that is not a setting of {@code command}
     */
    static String[] expand(String[] args, CommandSpec command) {
        Optional<String> file = configPath(args);
        if (file.isEmpty()) return args;
        Path path = Path.of(file.get());
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(FLAG + ": " + path + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(FLAG + ": " + path + ": not a YAML mapping of settings: "
                    + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return args; // an empty file sets nothing
        if (!root.isObject()) throw new IllegalArgumentException(FLAG + ": " + path + ": not a YAML mapping of settings");
        List<String> fromFile = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String flag = "--" + e.getKey();
            OptionSpec option = command.findOption(flag);
            if (option == null || !option.longestName().equals(flag) || flag.equals(FLAG)) {
                throw new IllegalArgumentException(FLAG + ": " + path + ": unknown setting '" + e.getKey()
                        + "' (settings: " + String.join(", ", settingNames(command)) + ")");
            }
            if (givenAsFlag(args, option)) continue;
            fromFile.add(flag + "=" + value(path, e.getKey(), e.getValue()));
        }
        fromFile.addAll(Arrays.asList(args));
        return fromFile.toArray(String[]::new);
    }

    private static Optional<String> configPath(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) break;
            if (args[i].equals(FLAG) && i + 1 < args.length) return Optional.of(args[i + 1]);
            if (args[i].startsWith(FLAG + "=")) return Optional.of(args[i].substring(FLAG.length() + 1));
        }
        return Optional.empty();
    }

    private static boolean givenAsFlag(String[] args, OptionSpec option) {
        for (String arg : args) {
            if (arg.equals("--")) return false;
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) return true;
            }
        }
        return false;
    }

    private static String value(Path path, String key, JsonNode node) {
        if (node.isValueNode()) return node.asText();
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) throw new IllegalArgumentException(FLAG + ": " + path + ": '" + key + "': a list of scalars expected");
                items.add(item.asText());
            }
            return String.join(",", items);
        }
        throw new IllegalArgumentException(FLAG + ": " + path + ": '" + key + "': a scalar or a list expected");
    }

    private static List<String> settingNames(CommandSpec command) {
        TreeSet<String> names = new TreeSet<>();
        for (OptionSpec o : command.options()) {
            String n = o.longestName();
            if (n.startsWith("--") && !n.equals(FLAG) && !o.usageHelp() && !o.versionHelp()) names.add(n.substring(2));
        }
        return List.copyOf(names);
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
