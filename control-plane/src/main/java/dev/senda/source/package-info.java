/**
 * Sources: they deliver Kubernetes objects into an {@link dev.senda.source.ObjectStore} and nothing
 * else (no BPF, no desired state). Kubernetes API types stop here: {@link dev.senda.source.Converters}
 * turns them into {@link dev.senda.model} records.
 *
 * <ul>
 *   <li>{@link dev.senda.source.Kinds}: the kinds the agent consumes, one {@link dev.senda.source.Kind}
 *       descriptor each (apiVersion and kind, fabric8 class, converter, ref, scope, and optionally a
 *       {@link dev.senda.source.TreeReader} for YAML trees). <b>A new kind is
 *       added there, and only there</b> (plus its model record and converter): both sources, the
 *       store and {@link dev.senda.model.Snapshot} work from the descriptors, and desired state reads
 *       it with {@code snapshot.all(Kinds.X)}.</li>
 *   <li>{@link dev.senda.source.KubernetesSource}: one informer per kind.</li>
 *   <li>{@link dev.senda.source.DirectorySource}: YAML files, read as streams
 *       ({@link dev.senda.source.YamlObjects}); files it refuses are reported as
 *       {@link dev.senda.source.RejectedFile}s for health and metrics.</li>
 * </ul>
 */
package dev.senda.source;
