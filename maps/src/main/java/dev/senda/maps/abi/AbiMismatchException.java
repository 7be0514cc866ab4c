package dev.senda.maps.abi;

import java.util.List;

/** The Java layouts disagree with the C structs compiled into an object; lists every difference. */
public class AbiMismatchException extends RuntimeException {
    private final List<String> mismatches;

    public AbiMismatchException(String object, List<String> mismatches) {
        super("map ABI of " + object + " does not match the Java codecs (" + mismatches.size() + " problems):\n  "
                + String.join("\n  ", mismatches));
        this.mismatches = List.copyOf(mismatches);
    }

    public List<String> mismatches() {
        return mismatches;
    }
}
