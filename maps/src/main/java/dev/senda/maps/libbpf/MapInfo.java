package dev.senda.maps.libbpf;

/**
 * What the kernel says about a map ({@code BPF_OBJ_GET_INFO_BY_FD}).
 *
 * @param type       {@code BPF_MAP_TYPE_*}
 * @param id         kernel-wide map id
 * @param keySize    bytes
 * @param valueSize  bytes
 * @param maxEntries capacity
 * @param flags      {@code BPF_F_*} map flags
 * @param name       kernel name (at most 15 characters)
 */
public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name) {
}
