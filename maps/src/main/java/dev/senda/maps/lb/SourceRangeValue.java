package dev.senda.maps.lb;

/**
 * Value of {@code senda_srcrange4_v1/6} ({@code struct senda_srcrange_value}): the entry's presence
 * is what counts, its one byte is always {@link #ALLOW}.
 */
public record SourceRangeValue() {
    /** The only value. */
    public static final SourceRangeValue ALLOW = new SourceRangeValue();
}
