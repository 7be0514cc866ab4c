package dev.senda.maps.policy;

/**
 * Value of {@code senda_polcfg_v1} ({@code struct senda_polcfg}, one entry, key 0).
 *
 * @param pendingDeny drop the packets of pod addresses without a policy endpoint entry
 *                    ({@code --policy-pending=deny}) instead of allowing them
 */
public record PolicyConfig(boolean pendingDeny) {
    public static final PolicyConfig ALLOW_PENDING = new PolicyConfig(false);
}
