package dev.senda.maps.table;

/**
 * A put of a new key failed because the map holds {@code max_entries} already (the kernel's E2BIG).
 * A {@link MapWriteException}, so everything that handles failed writes handles this one; distinct so
 * that reports can say "full" and name the size setting instead of an errno.
 */
public class MapFullException extends MapWriteException {
    private final String mapName;
    private final int capacity;

    /**
     * @param mapName  the full map (the kernel map's name, e.g. {@code senda_svc4_v1})
     * @param capacity its {@code max_entries}, or -1 when unknown
     */
    public MapFullException(String mapName, int capacity, String message, Throwable cause) {
        super(message, cause);
        this.mapName = mapName;
        this.capacity = capacity;
    }

    public String mapName() {
        return mapName;
    }

    /** The map's {@code max_entries}, or -1 when unknown. */
    public int capacity() {
        return capacity;
    }
}
