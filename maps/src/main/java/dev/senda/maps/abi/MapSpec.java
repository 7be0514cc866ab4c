package dev.senda.maps.abi;

import java.util.Objects;

/**
 * One pinned BPF map of the ABI with its key and value codecs: the single place its name is written
 * (the name in C, which is also the pin's file name).
 *
 * @param mapName name in C and of the pin
 * @param key     key codec
 * @param value   value codec
 * @param <K>     Java key type
 * @param <V>     Java value type
 */
public record MapSpec<K, V>(String mapName, Codec<K> key, Codec<V> value) {
    public MapSpec {
        Objects.requireNonNull(mapName, "mapName");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** What the BTF check and the size check at open expect of this map. */
    public MapAbi abi() {
        return new MapAbi(mapName, key.cName(), key.size(), value.cName(), value.size());
    }

    public int keySize() {
        return key.size();
    }

    public int valueSize() {
        return value.size();
    }
}
