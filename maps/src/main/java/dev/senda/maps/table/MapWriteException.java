package dev.senda.maps.table;

/** A map write or delete failed; the message names the map, the key and the kernel's reason. */
public class MapWriteException extends RuntimeException {
    public MapWriteException(String message, Throwable cause) {
        super(message, cause);
    }

    public MapWriteException(String message) {
        super(message);
    }
}
