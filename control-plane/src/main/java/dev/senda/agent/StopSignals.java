package dev.senda.agent;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a call instead of the JVM's default exit, so the agent can stop its
 * control plane in order and exit with status 0 (the datapath stays; see {@link Agent#close()}).
 */
final class StopSignals {
    private StopSignals() {
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> action.run());
        }
    }
}
