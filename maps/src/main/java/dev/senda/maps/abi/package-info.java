/**
 * The map ABI on the Java side: one {@link dev.senda.maps.abi.StructCodec} per C struct of
 * {@code bpf/lib/*.h}, each an FFM {@link java.lang.foreign.StructLayout} with the C field names,
 * explicit padding and per-field byte order, and {@link dev.senda.maps.abi.BtfLayoutCheck}, which
 * holds them against the BTF of a compiled object (in a test and when the agent loads).
 */
package dev.senda.maps.abi;
