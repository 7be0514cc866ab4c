package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_map_batch_opts;
import me.bechberger.ebpf.bpf.raw.bpf_map_create_opts;
import me.bechberger.ebpf.bpf.raw.bpf_map_info;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A BPF map, read and written with raw key/value bytes (the codecs in
 * {@code dev.senda.maps.abi} turn records into those bytes).
 *
 * <p>Two kinds: a map of a {@link BpfObject} (its fd belongs to the object; {@link #close} does
 * nothing) and a map opened from a pin with {@link #openPinned} or made with {@link #create}
 * (owns its fd; close it).
 * Element operations are single syscalls and safe to call from several threads. Not for
 * per-CPU maps (their values are {@code valueSize * nCPUs} bytes).
 *
 * <h2>Batches</h2>
 * {@link #updateBatch}, {@link #deleteBatch} and {@link #forEachEntry} use {@code BPF_MAP_UPDATE_BATCH},
 * {@code BPF_MAP_DELETE_BATCH} and {@code BPF_MAP_LOOKUP_BATCH} (many elements per syscall) where the
 * map type has them, and single-element calls where it does not: whether it does is asked once per map
 * and operation (a call with a count of 0, which the kernel answers with ENOTSUPP when the type lacks
 * the operation, and with success otherwise). The kernel performs a batch element by element in order
 * and stops at the first that fails, reporting how many it processed: those landed, the failed one and
 * the rest did not ({@link BatchResult}).
 *
 * <h2>Native memory</h2>
 * Key and value buffers are allocated once per map and reused (under a lock), not once per call: an
 * {@code Arena} per element costs as much as the syscall at 100,000s of writes.
 */
public final class BpfMap implements AutoCloseable {
    private static final int BPF_ANY = 0;
    private static final int BPF_NOEXIST = 1;
    /** Elements per batch syscall: bounds the native buffers (a few 100 KiB) and the time in the kernel. */
    public static final int BATCH_CHUNK = 8192;

    /** Whether the map type has one batch operation: not asked yet, yes, no. */
    private enum Batch { UNKNOWN, YES, NO }

    /**
     * How one batch write went.
     *
     * @param done  how many elements, from the first, landed
     * @param errno 0 when all did; else the kernel's errno for element {@code done}, which did not land
     *              (nor did any after it)
     */
    public record BatchResult(int done, int errno) {
        public boolean complete() {
            return errno == 0;
        }
    }

    private final BpfObject owner;      // null for an fd-owned map
    private final MemorySegment map;    // libbpf map, or NULL for an fd-owned map
    private final String name;
    private final int keySize;
    private final int valueSize;
    private int fd;                     // fd-owned maps only

    /** Guards the reusable native buffers below. */
    private final ReentrantLock bufferLock = new ReentrantLock();
    /** Freed by the GC with the map: an object's map has no close of its own to free them at. */
    private final Arena buffers = Arena.ofAuto();
    private final MemorySegment keyBuf;
    private final MemorySegment valueBuf;
    private MemorySegment batchKeys = MemorySegment.NULL;
    private MemorySegment batchValues = MemorySegment.NULL;
    private MemorySegment batchOpts = MemorySegment.NULL;
    private MemorySegment batchCount = MemorySegment.NULL;
    private MemorySegment batchTokens = MemorySegment.NULL;
    private Batch updateBatch = Batch.UNKNOWN;
    private Batch deleteBatch = Batch.UNKNOWN;
    private Batch lookupBatch = Batch.UNKNOWN;

    private BpfMap(BpfObject owner, MemorySegment map, String name, int fd, int keySize, int valueSize) {
        this.owner = owner;
        this.map = map;
        this.name = name;
        this.fd = fd;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.keyBuf = buffers.allocate(Math.max(keySize, 1), 8);
        this.valueBuf = buffers.allocate(Math.max(valueSize, 1), 8);
    }

    static BpfMap ofObject(BpfObject owner, MemorySegment map, String name) {
        return new BpfMap(owner, map, name, -1, Lib.bpf_map__key_size(map), Lib.bpf_map__value_size(map));
    }

    /**
     * Opens a pinned map ({@code bpf_obj_get}). The caller owns the result and must close it.
     *
     * @throws LibbpfException ENOENT if nothing is pinned there; EINVAL if the pin is not a map
     */
    public static BpfMap openPinned(Path pin) {
        Libbpf.ensureAvailable();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = Libbpf.check(Lib.bpf_obj_get(Libbpf.cString(arena, pin)), "open pinned map " + pin);
        }
        try {
            MapInfo info = info(fd, pin.toString());
            String name = pin.getFileName().toString();
            return new BpfMap(null, MemorySegment.NULL, name, fd, info.keySize(), info.valueSize());
        } catch (RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /**
     * Opens the map with kernel id {@code id} ({@code bpf_map_get_fd_by_id}), named as the kernel names
     * it (its C name cut to 15 bytes); empty when it is gone. The caller owns the result and must close it.
     */
    public static java.util.Optional<BpfMap> openById(int id) {
        Libbpf.ensureAvailable();
        int fd = Lib.bpf_map_get_fd_by_id(id);
        if (fd == -LibbpfException.ENOENT) return java.util.Optional.empty();
        Libbpf.check(fd, "open map id " + id);
        try {
            MapInfo info = info(fd, "id " + id);
            return java.util.Optional.of(new BpfMap(null, MemorySegment.NULL, info.name(), fd, info.keySize(), info.valueSize()));
        } catch (RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /**
     * Creates an unpinned map outside any object ({@code bpf_map_create}), owned by the caller:
     * closing it frees it. Also how a kernel is asked whether it has a map type.
     *
     * @param name  kernel-visible name (at most 15 characters)
     * @param flags {@code BPF_F_*} map flags, e.g. {@code BPF_F_NO_PREALLOC}, which LPM tries require
     * @throws LibbpfException carrying the kernel's errno when refused
     */
    public static BpfMap create(int mapType, String name, int keySize, int valueSize, int maxEntries, int flags) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(bpf_map_create_opts.layout());
            bpf_map_create_opts.sz(opts, bpf_map_create_opts.sizeof());
            bpf_map_create_opts.map_flags(opts, flags);
            int fd = Libbpf.check(Lib.bpf_map_create(mapType, arena.allocateFrom(name), keySize, valueSize, maxEntries,
                    opts), "create map " + name + " (type " + mapType + ")");
            return new BpfMap(null, MemorySegment.NULL, name, fd, keySize, valueSize);
        }
    }

    /** The map's name: its C name for object maps, the pin's file name for pinned ones. */
    public String name() {
        return name;
    }

    /** The map's fd; for an object map only after {@link BpfObject#load}. */
    public int fd() {
        if (owner == null) {
            if (fd < 0) throw new IllegalStateException("map " + name + " is closed");
            return fd;
        }
        owner.ensureLoaded("fd of map " + name);
        return Libbpf.check(Lib.bpf_map__fd(map), "fd of map " + name);
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    /** Kernel-side facts about the map (type, id, sizes, capacity). */
    public MapInfo info() {
        return info(fd(), name);
    }

    /** The value stored under {@code key}, or null if there is none. */
    public byte[] lookup(byte[] key) {
        checkSize("key", key, keySize);
        int fd = fd();
        bufferLock.lock();
        try {
            MemorySegment.copy(key, 0, keyBuf, JAVA_BYTE, 0, keySize);
            int rc = Lib.bpf_map_lookup_elem(fd, keyBuf, valueBuf);
            if (rc == -LibbpfException.ENOENT) return null;
            Libbpf.check(rc, "lookup in map " + name + " key " + hex(key));
            return valueBuf.asSlice(0, valueSize).toArray(JAVA_BYTE);
        } finally {
            bufferLock.unlock();
        }
    }

    /** Inserts or replaces ({@code BPF_ANY}). */
    public void update(byte[] key, byte[] value) {
        checkSize("key", key, keySize);
        checkSize("value", value, valueSize);
        int fd = fd();
        int rc;
        bufferLock.lock();
        try {
            MemorySegment.copy(key, 0, keyBuf, JAVA_BYTE, 0, keySize);
            MemorySegment.copy(value, 0, valueBuf, JAVA_BYTE, 0, valueSize);
            rc = Lib.bpf_map_update_elem(fd, keyBuf, valueBuf, BPF_ANY);
        } finally {
            bufferLock.unlock();
        }
        Libbpf.check(rc, "update map " + name + " key " + hex(key));
    }

    /**
     * Inserts only when {@code key} is absent ({@code BPF_NOEXIST}): a second copy pass of a migration
     * must not overwrite what the datapath wrote meanwhile.
     *
     * @return false when an entry was there already (left as it was)
     */
    public boolean insertIfAbsent(byte[] key, byte[] value) {
        checkSize("key", key, keySize);
        checkSize("value", value, valueSize);
        try (Arena arena = Arena.ofConfined()) {
            int rc = Lib.bpf_map_update_elem(fd(), arena.allocateFrom(JAVA_BYTE, key),
                    arena.allocateFrom(JAVA_BYTE, value), BPF_NOEXIST);
            if (rc == -LibbpfException.EEXIST) return false;
            Libbpf.check(rc, "insert into map " + name + " key " + hex(key));
            return true;
        }
    }

    /**
     * Deletes the entry under {@code key}.
     *
     * @return false if there was no such entry (not an error: deletes are idempotent)
     */
    public boolean delete(byte[] key) {
        checkSize("key", key, keySize);
        int fd = fd();
        int rc;
        bufferLock.lock();
        try {
            MemorySegment.copy(key, 0, keyBuf, JAVA_BYTE, 0, keySize);
            rc = Lib.bpf_map_delete_elem(fd, keyBuf);
        } finally {
            bufferLock.unlock();
        }
        if (rc == -LibbpfException.ENOENT) return false;
        Libbpf.check(rc, "delete from map " + name + " key " + hex(key));
        return true;
    }

    /**
     * Inserts or replaces ({@code BPF_ANY}) {@code count} elements, in order: element {@code i} is
     * {@code keys[i*keySize ..]} and {@code values[i*valueSize ..]}. One syscall per
     * {@link #BATCH_CHUNK} elements where the map type has {@code BPF_MAP_UPDATE_BATCH}, one per
     * element where it does not; either way it stops at the first element that fails.
     *
     * @return how many elements landed, and the errno of the first that did not
     */
    public BatchResult updateBatch(byte[] keys, byte[] values, int count) {
        checkBatch(keys, values, count);
        int fd = fd();
        bufferLock.lock();
        try {
            if (!supported(fd, Op.UPDATE)) {
                for (int i = 0; i < count; i++) {
                    MemorySegment.copy(keys, i * keySize, keyBuf, JAVA_BYTE, 0, keySize);
                    MemorySegment.copy(values, i * valueSize, valueBuf, JAVA_BYTE, 0, valueSize);
                    int rc = Lib.bpf_map_update_elem(fd, keyBuf, valueBuf, BPF_ANY);
                    if (rc < 0) return new BatchResult(i, -rc);
                }
                return new BatchResult(count, 0);
            }
            for (int start = 0; start < count; ) {
                int n = Math.min(BATCH_CHUNK, count - start);
                MemorySegment.copy(keys, start * keySize, batchKeys, JAVA_BYTE, 0, n * keySize);
                MemorySegment.copy(values, start * valueSize, batchValues, JAVA_BYTE, 0, n * valueSize);
                batchCount.set(JAVA_INT, 0, n);
                int rc = Lib.bpf_map_update_batch(fd, batchKeys, batchValues, batchCount, batchOpts);
                // On failure the count says how many landed; one that claims all of them (an error after the
                // last element, e.g. copying the count back) is read as "the last one failed": the caller then
                // rewrites it, an idempotent upsert, instead of believing a failure with nothing failed.
                if (rc < 0) return new BatchResult(start + Math.min(Math.max(batchCount.get(JAVA_INT, 0), 0), n - 1), -rc);
                start += n;
            }
            return new BatchResult(count, 0);
        } finally {
            bufferLock.unlock();
        }
    }

    /**
     * Deletes {@code count} keys ({@code keys[i*keySize ..]}), in order, stopping at the first that
     * fails; a key with no entry counts as deleted (deletes are idempotent), as in {@link #delete}.
     *
     * @return how many keys are gone, and the errno of the first whose delete failed
     */
    public BatchResult deleteBatch(byte[] keys, int count) {
        checkBatch(keys, null, count);
        int fd = fd();
        bufferLock.lock();
        try {
            if (!supported(fd, Op.DELETE)) {
                for (int i = 0; i < count; i++) {
                    MemorySegment.copy(keys, i * keySize, keyBuf, JAVA_BYTE, 0, keySize);
                    int rc = Lib.bpf_map_delete_elem(fd, keyBuf);
                    if (rc < 0 && rc != -LibbpfException.ENOENT) return new BatchResult(i, -rc);
                }
                return new BatchResult(count, 0);
            }
            for (int start = 0; start < count; ) {
                int n = Math.min(BATCH_CHUNK, count - start);
                MemorySegment.copy(keys, start * keySize, batchKeys, JAVA_BYTE, 0, n * keySize);
                batchCount.set(JAVA_INT, 0, n);
                int rc = Lib.bpf_map_delete_batch(fd, batchKeys, batchCount, batchOpts);
                int done = Math.min(Math.max(batchCount.get(JAVA_INT, 0), 0), n - 1); // as in updateBatch
                if (rc == -LibbpfException.ENOENT) {
                    // Element start+done has no entry: that is its delete done; go on after it.
                    start += done + 1;
                } else if (rc < 0) {
                    return new BatchResult(start + done, -rc);
                } else {
                    start += n;
                }
            }
            return new BatchResult(count, 0);
        } finally {
            bufferLock.unlock();
        }
    }

    /**
     * Calls {@code sink} with every entry (key, value), {@link #BATCH_CHUNK} per
     * {@code BPF_MAP_LOOKUP_BATCH} syscall where the map type has it, else by a key walk and a lookup
     * per key. A snapshot as good as the kernel's iteration under concurrent writes: an entry written
     * meanwhile may or may not be seen. The arrays passed are the caller's to keep.
     */
    public void forEachEntry(BiConsumer<byte[], byte[]> sink) {
        int fd = fd();
        boolean batched;
        bufferLock.lock();
        try {
            batched = supported(fd, Op.LOOKUP);
            if (batched) {
                lookupBatched(fd, sink);
                return;
            }
        } finally {
            bufferLock.unlock();
        }
        for (byte[] key : keys()) {
            byte[] value = lookup(key);
            if (value != null) sink.accept(key, value); // deleted since the key walk: left out
        }
    }

    /** Holding the lock. */
    private void lookupBatched(int fd, BiConsumer<byte[], byte[]> sink) {
        int chunk = BATCH_CHUNK;
        // The batch token (opaque: a hash map's is a bucket index, an array's a key): NULL to start, then
        // what the last call left in it; the kernel reads it before writing the next, so one buffer serves.
        MemorySegment in = MemorySegment.NULL;
        long bound = 2L * Math.max(info(fd, name).maxEntries(), 1) / chunk + 16;
        for (long round = 0; round < bound; round++) {
            batchCount.set(JAVA_INT, 0, chunk);
            int rc = Lib.bpf_map_lookup_batch(fd, in, batchTokens, batchKeys, batchValues, batchCount, batchOpts);
            if (rc < 0 && rc != -LibbpfException.ENOENT) {
                Libbpf.check(rc, "read entries of map " + name);
            }
            int n = Math.min(Math.max(batchCount.get(JAVA_INT, 0), 0), chunk);
            for (int i = 0; i < n; i++) {
                // copied straight into fresh arrays: a slice per entry is an object the agent's C1-only JIT
                // allocates for real (it has no escape analysis), 2 per entry of a restore of 100,000s
                byte[] key = new byte[keySize];
                byte[] value = new byte[valueSize];
                MemorySegment.copy(batchKeys, JAVA_BYTE, (long) i * keySize, key, 0, keySize);
                MemorySegment.copy(batchValues, JAVA_BYTE, (long) i * valueSize, value, 0, valueSize);
                sink.accept(key, value);
            }
            if (rc == -LibbpfException.ENOENT) return; // the end of the map
            in = batchTokens;
        }
        throw new LibbpfException("read entries of map " + name + ": no end after " + bound + " batches");
    }

    private enum Op { UPDATE, DELETE, LOOKUP }

    /**
     * Whether the map type has the batch operation; allocates the batch buffers on first use. Holding
     * the lock.
     */
    private boolean supported(int fd, Op op) {
        Batch known = switch (op) {
            case UPDATE -> updateBatch;
            case DELETE -> deleteBatch;
            case LOOKUP -> lookupBatch;
        };
        if (known != Batch.UNKNOWN) {
            return known == Batch.YES;
        }
        if (batchOpts.equals(MemorySegment.NULL)) {
            batchOpts = buffers.allocate(bpf_map_batch_opts.layout());
            bpf_map_batch_opts.sz(batchOpts, bpf_map_batch_opts.sizeof());
            batchCount = buffers.allocate(JAVA_INT);
            batchKeys = buffers.allocate((long) BATCH_CHUNK * Math.max(keySize, 1), 8);
            batchValues = buffers.allocate((long) BATCH_CHUNK * Math.max(valueSize, 1), 8);
            batchTokens = buffers.allocate(Math.max(keySize, 8), 8);
        }
        // A count of 0: the kernel says ENOTSUPP if the map type lacks the operation, else does nothing.
        batchCount.set(JAVA_INT, 0, 0);
        int rc = switch (op) {
            case UPDATE -> Lib.bpf_map_update_batch(fd, batchKeys, batchValues, batchCount, batchOpts);
            case DELETE -> Lib.bpf_map_delete_batch(fd, batchKeys, batchCount, batchOpts);
            case LOOKUP -> Lib.bpf_map_lookup_batch(fd, MemorySegment.NULL, batchTokens, batchKeys, batchValues,
                    batchCount, batchOpts);
        };
        Batch answer = rc == 0 || rc == -LibbpfException.ENOENT ? Batch.YES : Batch.NO;
        switch (op) {
            case UPDATE -> updateBatch = answer;
            case DELETE -> deleteBatch = answer;
            case LOOKUP -> lookupBatch = answer;
        }
        return answer == Batch.YES;
    }

    /** Whether {@link #updateBatch} uses {@code BPF_MAP_UPDATE_BATCH} on this map (asks the kernel once). */
    public boolean batchUpdates() {
        int fd = fd();
        bufferLock.lock();
        try {
            return supported(fd, Op.UPDATE);
        } finally {
            bufferLock.unlock();
        }
    }

    private void checkBatch(byte[] keys, byte[] values, int count) {
        if (count < 0 || keys.length < (long) count * keySize || (values != null && values.length < (long) count * valueSize)) {
            throw new IllegalArgumentException("map " + name + ": a batch of " + count + " needs " + count * keySize
                    + " key bytes" + (values == null ? "" : " and " + count * valueSize + " value bytes"));
        }
    }

    /**
     * Every key currently in the map ({@code bpf_map_get_next_key} walk). Under concurrent
     * deletes a hash-map walk may restart from the beginning; duplicates are dropped and the
     * walk is bounded, so the result is a best-effort snapshot, never an endless loop.
     */
    public List<byte[]> keys() {
        int fd = fd();
        long bound = 2L * Math.max(info(fd, name).maxEntries(), 1) + 16;
        Set<ByteBuffer> seen = new LinkedHashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(keySize);
            MemorySegment next = arena.allocate(keySize);
            MemorySegment prev = MemorySegment.NULL;
            for (long i = 0; i < bound; i++) {
                int rc = Lib.bpf_map_get_next_key(fd, prev, next);
                if (rc == -LibbpfException.ENOENT) break;
                Libbpf.check(rc, "iterate keys of map " + name);
                seen.add(ByteBuffer.wrap(next.toArray(JAVA_BYTE)));
                MemorySegment.copy(next, 0, cur, 0, keySize);
                prev = cur;
            }
        }
        List<byte[]> out = new ArrayList<>(seen.size());
        for (ByteBuffer b : seen) out.add(b.array());
        return out;
    }

    /** Keys and values fetched per {@code BPF_MAP_LOOKUP_BATCH} call by {@link #countEntries}. */
    static final int COUNT_BATCH = 4096;

    /**
     * How many entries a hash map (LRU included) holds now, counted with {@code BPF_MAP_LOOKUP_BATCH}
     * ({@code COUNT_BATCH} entries a syscall). Unlike a {@code bpf_map_get_next_key} walk, which starts
     * over from the first bucket whenever its current key is deleted under it (as an LRU map under
     * pressure does all the time), a batch walk goes bucket by bucket and ends: under concurrent
     * changes the count is off by at most the entries that changed meanwhile, never inflated by
     * restarts. Does not touch the LRU's recency. Costs one pass over the map: callers sample it
     * periodically rather than on every request. Never more than {@code max_entries}.
     *
     * @throws LibbpfException when the kernel refuses the batch lookup (EINVAL before Linux 5.6;
     *                         ENOTSUPP/EOPNOTSUPP for map types without batch operations)
     * @throws IllegalStateException for per-CPU maps (their values are per CPU; not needed here)
     */
    public long countEntries() {
        int fd = fd();
        MapInfo i = info(fd, name);
        if (i.type() == BPF_MAP_TYPE_PERCPU_HASH || i.type() == BPF_MAP_TYPE_LRU_PERCPU_HASH) {
            throw new IllegalStateException("countEntries: map " + name + " is per-CPU");
        }
        int chunk = Math.min(Math.max(i.maxEntries(), 1), COUNT_BATCH);
        long count = 0;
        try (Arena arena = Arena.ofConfined()) {
            long token = Math.max(keySize, 8);
            MemorySegment in = MemorySegment.NULL;
            MemorySegment out = arena.allocate(token);
            MemorySegment next = arena.allocate(token);
            MemorySegment keys = arena.allocate((long) keySize * chunk);
            MemorySegment values = arena.allocate((long) valueSize * chunk);
            MemorySegment n = arena.allocate(JAVA_INT);
            // Each call moves on by at least one bucket; there are at most max_entries rounded up to
            // a power of two of them.
            long bound = 2L * Math.max(i.maxEntries(), 1) + 16;
            for (long call = 0; call < bound; call++) {
                n.set(JAVA_INT, 0, chunk);
                int rc = Lib.bpf_map_lookup_batch(fd, in, out, keys, values, n, MemorySegment.NULL);
                if (rc < 0 && rc != -LibbpfException.ENOENT) Libbpf.check(rc, "count the entries of map " + name);
                count += Integer.toUnsignedLong(n.get(JAVA_INT, 0));
                if (rc == -LibbpfException.ENOENT) break;
                MemorySegment.copy(out, 0, next, 0, token);
                in = next;
            }
        }
        return Math.min(count, i.maxEntries());
    }

    /** {@code BPF_MAP_TYPE_PERCPU_HASH} and {@code BPF_MAP_TYPE_LRU_PERCPU_HASH} from {@code linux/bpf.h}. */
    static final int BPF_MAP_TYPE_PERCPU_HASH = 5, BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;
    /** {@code BPF_MAP_TYPE_LRU_HASH} from {@code linux/bpf.h}. */
    public static final int BPF_MAP_TYPE_LRU_HASH = 9;

    /**
     * Sets the capacity of a not-yet-loaded map ({@code bpf_map__set_max_entries}), overriding the
     * {@code max_entries} its C declaration compiled in. A pinned map is reused at load only when its
     * capacity equals this one (libbpf refuses it otherwise), so resize pins first: see
     * {@link dev.senda.maps.size.MapResize}.
     */
    public void setMaxEntries(int maxEntries) {
        if (owner == null) throw new IllegalStateException("map " + name + " is not part of an object");
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("map " + name + ": object already loaded");
        if (maxEntries < 1) throw new IllegalArgumentException("map " + name + ": max_entries " + maxEntries);
        Libbpf.check(Lib.bpf_map__set_max_entries(map, maxEntries), "set max_entries of map " + name);
    }

    /**
     * Makes {@code template} the inner-map template of a not-yet-loaded map-in-map
     * ({@code bpf_map__set_inner_map_fd}): the verifier then checks the programs' reads of inner maps
     * against its sizes, and only maps like it fit the slots. {@code template} must stay open until
     * {@link BpfObject#load}.
     */
    public void setInnerMap(BpfMap template) {
        if (owner == null) throw new IllegalStateException("map " + name + " is not part of an object");
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("map " + name + ": object already loaded");
        Libbpf.check(Lib.bpf_map__set_inner_map_fd(map, template.fd()), "set the inner map of " + name + " to " + template.name());
    }

    /** The capacity: of an object's map as declared or set (before load too), else the kernel's. */
    public int maxEntries() {
        if (owner != null) return Lib.bpf_map__max_entries(map);
        return info().maxEntries();
    }

    /**
     * Sets the initial contents of a not-yet-loaded map (used for {@code .rodata}: load-time
     * constants). Only for maps of a {@link BpfObject} before {@link BpfObject#load}.
     */
    public void setInitialValue(byte[] data) {
        if (owner == null) throw new IllegalStateException("map " + name + " is not part of an object");
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("map " + name + ": object already loaded");
        checkSize("initial value", data, valueSize);
        try (Arena arena = Arena.ofConfined()) {
            // libbpf copies the data, so a temporary segment is fine.
            Libbpf.check(Lib.bpf_map__set_initial_value(map, arena.allocateFrom(JAVA_BYTE, data), data.length),
                    "set initial value of map " + name);
        }
    }

    /** Closes an fd-owned map; does nothing for an object's map. Idempotent. */
    @Override
    public void close() {
        if (owner == null && fd >= 0) {
            Native.close(fd);
            fd = -1;
        }
    }

    static MapInfo info(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(bpf_map_info.layout());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_map_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(fd, info, len), "get info of map " + what);
            String kname = bpf_map_info.name(info).getString(0);
            return new MapInfo(bpf_map_info.type(info), bpf_map_info.id(info), bpf_map_info.key_size(info),
                    bpf_map_info.value_size(info), bpf_map_info.max_entries(info), bpf_map_info.map_flags(info),
                    kname);
        }
    }

    private void checkSize(String what, byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("map " + name + ": " + what + " is " + bytes.length
                    + " bytes, the map wants " + expected);
        }
    }

    /** Lower-case hex, space-separated: how keys appear in error messages. */
    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + "]";
    }
}
