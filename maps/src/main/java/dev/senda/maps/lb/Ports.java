package dev.senda.maps.lb;

/** Range check shared by the records that carry L4 ports. */
final class Ports {
    private Ports() {
    }

    static void check(String what, int port) {
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException(what + " out of range: " + port);
    }
}
