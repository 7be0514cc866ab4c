/**
 * What this kernel and this process let Senda do, found out once at start.
 *
 * <ul>
 *   <li>{@link dev.senda.maps.features.FeatureProbe#probe()} asks the kernel about every
 *       {@link dev.senda.maps.features.Feature} and returns one
 *       {@link dev.senda.maps.features.KernelFeatures}: yes, no, or unknown with the reason. It
 *       changes nothing on the node and takes milliseconds.</li>
 *   <li>Whatever chooses by the kernel (the datapath loader, the agent's start log,
 *       {@code senda bpf features}) takes a {@code KernelFeatures} as a parameter, so tests hand it
 *       a made-up kernel.</li>
 *   <li>{@link dev.senda.maps.features.Capabilities} is the one privilege check: the effective
 *       capabilities, not the uid.</li>
 * </ul>
 */
package dev.senda.maps.features;
