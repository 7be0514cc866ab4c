package dev.senda.maps.lb;

import dev.senda.maps.abi.CtValueCodec;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.ProgramMaps;
import dev.senda.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lends newly loaded programs the conntrack map of the other layout version for the length of a
 * {@link LayoutMigration}, through the map-in-map each family declares for it ({@code senda_ct4_prior},
 * {@code senda_ct6_prior}, bpf/lib/abi/ct4.h): a conntrack lookup that misses in the programs' own map
 * then finds, and carries over, an entry the other version's programs wrote.
 *
 * <p>Why: the hooks are swapped one by one, and the migration's second pass runs after the last. Until
 * then the hooks not swapped yet keep opening flows in the other map, which the second pass alone would
 * bring over too late: a flow opened by an old hook whose next packet (the client's ACK, the server's
 * first data) met a new one was balanced afresh to another backend or its reply escaped untranslated,
 * and the connection hung. With the other map lent, the new programs see every such flow at once.
 *
 * <p>Order: {@link #offer} between opening and loading the object (the other map becomes the inner
 * map's template, so the verifier checks the programs' reads against its value size), {@link #lend}
 * after loading and before any hook is swapped, {@link #end} after the second pass, which empties the
 * slots so the other map is freed with its pin. {@link #close} only releases file descriptors: an agent
 * that stops between the passes leaves hooks that may still run the other version's programs, so the
 * loan must outlive it.
 *
 * <p>A loan an agent never ended (it died between the passes) stays in the slot of the programs it
 * attached. The next agent must not keep those programs: {@link #holdsLoan} tells the attaching code
 * that such a program is not identical to a freshly loaded one, so it is replaced, and with its last
 * link the program, its slot and the reference to the other map go (dev.senda.datapath.Links).
 */
public final class PriorMaps implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PriorMaps.class);

    /**
     * A map-in-map of the datapath that holds the other version of the {@code stem} maps; its programs
     * read the first {@code readBytes} bytes of that map's values (the fields of the oldest version they
     * can take, bpf/lib/abi: {@code SENDA_CT4_PRIOR_READ}, {@code SENDA_CT6_PRIOR_READ}).
     */
    record Slot(String stem, String mapName, int readBytes) {
    }

    static final List<Slot> SLOTS = List.of(new Slot("senda_ct4", "senda_ct4_prior", readBytes(IpFamily.IPV4)),
            new Slot("senda_ct6", "senda_ct6_prior", readBytes(IpFamily.IPV6)));

    /**
     * Where the last field senda_ct4_find/senda_ct6_find read ends ({@code backend_id}) in the value codec's
     * layout, which BtfLayoutCheck holds to the object's struct at every load; the C constants are held
     * to the same struct by {@code _Static_assert} (bpf/lib/abi/ct4.h, ct6.h).
     */
    static int readBytes(IpFamily family) {
        java.lang.foreign.StructLayout value = new CtValueCodec(family).layout();
        return Math.toIntExact(value.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("backend_id"))
                + value.select(java.lang.foreign.MemoryLayout.PathElement.groupElement("backend_id")).byteSize());
    }

    /** One slot to fill: the object's map-in-map and the other version's pinned map it will hold. */
    private record Loan(BpfMap slotMap, BpfMap other) {
    }

    private final List<Loan> loans;
    private boolean closed;
    /** Names of the other maps whose unreadable layout was logged already: an agent may load several times. */
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private PriorMaps(List<Loan> loans) {
        this.loans = List.copyOf(loans);
    }

    /** Nothing to lend (no object declares a slot, or no other version is pinned). */
    public static PriorMaps none() {
        return new PriorMaps(List.of());
    }

    /**
     * Before {@code opened} is loaded: for every slot it declares whose stem has a pin of another version
     * under {@code bpffsRoot} that its programs can read (same key size, values at least
     * {@link Slot#readBytes} long), makes that map the slot's template. Of several such pins, the newest
     * version's (normally there is one: the running agent's).
     */
    public static PriorMaps offer(BpfObject opened, Path bpffsRoot) {
        List<Loan> loans = new ArrayList<>();
        try {
            for (Slot slot : SLOTS) {
                Optional<BpfMap> slotMap = opened.maps().stream().filter(m -> m.name().equals(slot.mapName())).findFirst();
                Optional<LayoutMigration.Versioned> own = opened.maps().stream()
                        .map(m -> LayoutMigration.Versioned.of(m.name()))
                        .flatMap(Optional::stream)
                        .filter(v -> v.stem().equals(slot.stem()))
                        .findFirst();
                if (slotMap.isEmpty() || own.isEmpty()) continue;
                int keySize = opened.map(own.get().name()).keySize();
                List<LayoutMigration.Versioned> others = LayoutMigration.otherVersions(bpffsRoot, own.get());
                for (int i = others.size() - 1; i >= 0; i--) {
                    BpfMap other = BpfMap.openPinned(bpffsRoot.resolve(others.get(i).name()));
                    if (other.keySize() != keySize || other.valueSize() < slot.readBytes()) {
                        // LayoutMigration says why it does not migrate it, or copies it alone
                        if (WARNED.add(other.name())) {
                            log.warn("{} ({}-byte values) cannot be lent to the new programs (they read {} bytes): "
                                    + "flows its programs open while the hooks are swapped are re-balanced",
                                    other.name(), other.valueSize(), slot.readBytes());
                        }
                        other.close();
                        continue;
                    }
                    slotMap.get().setInnerMap(other);
                    loans.add(new Loan(slotMap.get(), other));
                    break;
                }
            }
            return new PriorMaps(loans);
        } catch (RuntimeException e) {
            loans.forEach(l -> l.other().close());
            throw e;
        }
    }

    /**
     * Once the object is loaded, before any hook runs its programs: puts each other map into its slot.
     * From here the new programs carry over what they miss.
     */
    public void lend() {
        for (Loan l : loans) {
            l.slotMap().update(slotKey(), fdValue(l.other().fd()));
            log.info("{} lends {} to the new programs until the migration's second pass", l.slotMap().name(), l.other().name());
        }
    }

    /** Whether a map is lent (or would be, once {@link #lend lent}). */
    public boolean isEmpty() {
        return loans.isEmpty();
    }

    /**
     * Ends the loans: empties the slots and closes the other maps. After the migration's second pass (no
     * hook runs the other version's programs any more, and every entry they wrote is copied). Idempotent.
     */
    public void end() {
        if (closed) return;
        for (Loan l : loans) {
            try {
                l.slotMap().delete(slotKey());
            } catch (RuntimeException e) {
                // the programs keep the other map until the next start replaces them (Links.sameProgram)
                log.warn("the conntrack loan in {} could not be ended ({}): the other layout's map stays in use "
                        + "until the next start", l.slotMap().name(), e.toString());
            }
        }
        close();
    }

    /**
     * Releases the other maps' file descriptors, leaving the slots as they are: when the object is given
     * up (its slots go with it), or when the agent stops (a loan not ended yet must go on; the next agent
     * replaces the programs holding it). Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Loan l : loans) l.other().close();
    }

    /**
     * Whether the program with kernel id {@code progId} holds a loan: a slot of one of its maps named as
     * a {@link #SLOTS slot} is filled. False when the program is gone.
     */
    public static boolean holdsLoan(int progId) {
        List<BpfMap> maps = ProgramMaps.open(progId);
        try {
            for (BpfMap m : maps) {
                boolean slot = SLOTS.stream().anyMatch(s -> s.mapName().equals(m.name()));
                if (slot && m.keySize() == 4 && m.lookup(slotKey()) != null) return true;
            }
            return false;
        } finally {
            maps.forEach(BpfMap::close);
        }
    }

    private static byte[] slotKey() {
        return new byte[4];
    }

    /** A map fd as a map-in-map value: a host-order 32-bit integer. */
    private static byte[] fdValue(int fd) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(fd).array();
    }
}
