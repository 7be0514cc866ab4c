package dev.senda.model;

/**
 * A Service port's {@code targetPort}: an int-or-string in the API. A name is resolved through the
 * EndpointSlice (which carries the number per endpoint set), never by Senda itself.
 */
public sealed interface TargetPort {
    /** {@code targetPort: 8080}. The number is kept as given, range checks belong to desired state. */
    record Number(int port) implements TargetPort {
        @Override
        public String toString() {
            return Integer.toString(port);
        }
    }

    /** {@code targetPort: http}: a container port name. */
    record Named(String name) implements TargetPort {
        public Named {
            name = name == null ? "" : name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
