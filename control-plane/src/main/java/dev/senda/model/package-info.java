/**
 * Senda's own immutable view of the Kubernetes objects it consumes (Service, EndpointSlice, Node), and
 * {@link dev.senda.model.NodeInfo}, what desired state knows of the agent's own node. No fabric8 type crosses this
 * line: sources convert, everything after works on these records. Values are kept raw (IP literals as
 * strings, unknown enum values as text) so that desired state, not the source, decides what is
 * malformed and says why.
 */
package dev.senda.model;
