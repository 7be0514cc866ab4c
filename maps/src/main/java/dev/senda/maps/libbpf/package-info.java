/**
 * A thin, safe wrapper over the system's libbpf (through the rawbpf FFM bindings).
 *
 * <p>Contracts shared by every class here:
 * <ul>
 *   <li>{@link dev.senda.maps.libbpf.Libbpf#ensureAvailable()} loads libbpf once; the entry points
 *       call it themselves. A missing library is an exception, never {@code System.exit}.</li>
 *   <li>Every failure is a {@link dev.senda.maps.libbpf.LibbpfException} carrying the errno and
 *       naming the object, map, program, device or path involved.</li>
 *   <li>Only symbols and opts structs that libbpf 1.1 (Debian 12) has, with the sizes it expects,
 *       are used; tcx goes through the raw {@code bpf_link_create}.</li>
 *   <li>libbpf's own log (verifier logs included) goes to slf4j, logger
 *       {@code dev.senda.maps.libbpf.libbpf}.</li>
 *   <li>Handles are {@link java.lang.AutoCloseable}; maps and programs of a
 *       {@link dev.senda.maps.libbpf.BpfObject} live as long as the object.</li>
 * </ul>
 */
package dev.senda.maps.libbpf;
