package dev.senda.maps.abi;

/**
 * The declared key and value types of one pinned map: what {@link BtfLayoutCheck} expects in
 * the map definition's BTF and what the Java side checks a pinned map's sizes against.
 *
 * @param mapName   name in C, also the pin's file name
 * @param keyType   C type name of the key ({@code "__u32"} or a struct name without {@code struct})
 * @param keySize   bytes
 * @param valueType C type name of the value
 * @param valueSize bytes
 */
public record MapAbi(String mapName, String keyType, int keySize, String valueType, int valueSize) {
}
