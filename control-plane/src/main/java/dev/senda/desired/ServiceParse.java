package dev.senda.desired;

import java.util.List;

/** What {@link ServiceParser} made of one Service. */
sealed interface ServiceParse {
    /**
     * Valid: frontends follow.
     *
     * @param skippedParts one reason per external part left out (a node port, an ingress or external
     *                     IP, see {@link ExternalAddressesParser}); the rest of the Service is programmed
     */
    record Accepted(ParsedService service, List<String> skippedParts) implements ServiceParse {
        public Accepted {
            skippedParts = List.copyOf(skippedParts);
        }

        Accepted(ParsedService service) {
            this(service, List.of());
        }
    }

    /**
     * Not Senda's to program, and not an error (another proxy's, headless, ExternalName), as
     * kube-proxy skips them silently.
     *
     * @param why for a debug line
     */
    record Skipped(String why) implements ServiceParse {
    }

    /**
     * Malformed: the Service is not programmed at all.
     *
     * @param reasons every problem found, in field order, each naming the field and the value; never empty
     */
    record Rejected(List<String> reasons) implements ServiceParse {
        public Rejected {
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) throw new IllegalArgumentException("a rejection needs a reason");
        }
    }
}
