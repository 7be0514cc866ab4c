/**
 * Typed load-balancer state: the records of the LB, conntrack, affinity and socket maps (both
 * families, addresses as {@link dev.senda.net.IpAddress}), {@link dev.senda.maps.lb.LbMaps} (the
 * tables the reconciler writes, each declared once as a {@link dev.senda.maps.table.TableSpec} and
 * available in kernel, in-memory and fault-injecting form) and {@link dev.senda.maps.lb.DatapathTables}
 * (the LRU tables the datapath itself writes).
 */
package dev.senda.maps.lb;
