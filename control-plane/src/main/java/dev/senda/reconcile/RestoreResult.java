package dev.senda.reconcile;

/**
 * What {@link LbReconciler#restore()} found in the maps.
 *
 * @param frontends      frontends with a header entry (their service ids are kept)
 * @param backends       backend entries (ids kept for their addresses)
 * @param serviceEntries all entries of the service map (headers and slots)
 * @param revNats        reverse-NAT entries
 */
public record RestoreResult(int frontends, int backends, int serviceEntries, int revNats) {
}
