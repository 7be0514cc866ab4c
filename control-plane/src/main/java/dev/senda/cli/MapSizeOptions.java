package dev.senda.cli;

import dev.senda.maps.size.MapSizeSetting;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --map-size-*} options of {@code senda agent}, one per {@link MapSizeSetting} of
 * {@link MapSizeSetting#ALL}, made from the setting (flag, help, floor, budget share): picocli applies
 * this transformer whenever it builds the agent command's model, so a new size setting needs no code
 * here, and {@code --config} files and {@code --help} know its flag as they know the annotated ones.
 */
public final class MapSizeOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        for (MapSizeSetting setting : MapSizeSetting.ALL) {
            spec.addOption(OptionSpec.builder(setting.flag()).paramLabel("ENTRIES").type(Integer.class)
                    .description(description(setting)).build());
        }
        return spec;
    }

    /** The flag's help: what an entry is, then how the default follows memory and its floor. */
    static String description(MapSizeSetting setting) {
        String share = setting.preallocated()
                ? "allocated whole; default: " + setting.budgetShare() + " of the memory budget"
                : setting.budgetShare() < 1 ? "default: up to " + setting.budgetShare() + " of the memory budget"
                : "default: up to the whole memory budget";
        return setting.help() + " (" + share + " / " + setting.bytesPerEntry() + " bytes an entry, at least "
                + setting.floor() + ")";
    }

    /** The sizes given (a flag or {@code --config}), by setting; the others are absent. */
    static Map<MapSizeSetting, Integer> given(CommandSpec spec) {
        Map<MapSizeSetting, Integer> given = new LinkedHashMap<>();
        for (MapSizeSetting setting : MapSizeSetting.ALL) {
            Integer value = spec.findOption(setting.flag()).getValue();
            if (value != null) given.put(setting, value);
        }
        return given;
    }
}
