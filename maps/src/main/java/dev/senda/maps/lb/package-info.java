/**
 * Typed load-balancer state: records for the entries of the LB, conntrack and socket
 * reverse-NAT maps, and {@link dev.senda.maps.lb.LbMaps}, the one interface the reconciler
 * writes through, with kernel ({@link dev.senda.maps.lb.KernelLbMaps}), in-memory and
 * fault-injecting implementations.
 */
package dev.senda.maps.lb;
