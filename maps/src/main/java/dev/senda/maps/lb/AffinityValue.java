package dev.senda.maps.lb;

/**
 * Value of {@code senda_affinity4_v1/6} ({@code struct senda_affinity_value}, the same for both
 * families): the backend a client was last sent to and when.
 *
 * @param backendId the backend id (in the key's family's backend map)
 * @param lastUsed  seconds of {@code CLOCK_MONOTONIC} at the last use (unsigned 32 bits)
 * @param slot      the frontend slot that held the backend then
 */
public record AffinityValue(int backendId, int lastUsed, int slot) {
    public AffinityValue {
        if (slot < 0 || slot > 0xffff) throw new IllegalArgumentException("slot out of range: " + slot);
    }
}
