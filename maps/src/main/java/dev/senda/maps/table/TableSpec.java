package dev.senda.maps.table;

import dev.senda.maps.abi.MapSpec;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.net.IpFamily;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Declares one table of the datapath: its IPv4 and IPv6 maps and how a key names its family. From
 * this one declaration a table gets its kernel, in-memory and fault-injecting forms; adding a map
 * (affinity, source ranges, NAT, policy) is one more {@code TableSpec} next to its codecs.
 *
 * @param name     the table's name for logs ("services", "backends", ...)
 * @param familyOf the family of a key, which picks the map
 * @param v4       the IPv4 map
 * @param v6       the IPv6 map
 */
public record TableSpec<K, V>(String name, Function<K, IpFamily> familyOf, MapSpec<K, V> v4, MapSpec<K, V> v6) {
    public TableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(familyOf, "familyOf");
        Objects.requireNonNull(v4, "v4");
        Objects.requireNonNull(v6, "v6");
    }

    /** Both maps, IPv4 first. */
    public List<MapSpec<K, V>> maps() {
        return List.of(v4, v6);
    }

    /** The table over the maps pinned under {@code bpffsRoot}; owns their fds. */
    public FamilySplitMap<K, V> openPinned(Path bpffsRoot) {
        KernelTypedMap<K, V> four = KernelTypedMap.openPinned(bpffsRoot, v4);
        try {
            return new FamilySplitMap<>(name, familyOf, four, KernelTypedMap.openPinned(bpffsRoot, v6));
        } catch (RuntimeException e) {
            four.close();
            throw e;
        }
    }

    /** The table over a loaded object's maps (the object owns them). */
    public FamilySplitMap<K, V> over(BpfObject object) {
        return new FamilySplitMap<>(name, familyOf, KernelTypedMap.over(object.map(v4.mapName()), v4),
                KernelTypedMap.over(object.map(v6.mapName()), v6));
    }

    /** The table in memory. */
    public FamilySplitMap<K, V> inMemory() {
        return new FamilySplitMap<>(name, familyOf, new InMemoryTypedMap<>(v4.mapName()),
                new InMemoryTypedMap<>(v6.mapName()));
    }
}
