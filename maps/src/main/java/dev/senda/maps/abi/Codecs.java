package dev.senda.maps.abi;

import java.util.List;

/** The codec of every struct of the map ABI, and the key/value types of every map. */
public final class Codecs {
    private Codecs() {
    }

    public static final Svc4KeyCodec SVC4_KEY = new Svc4KeyCodec();
    public static final Svc4ValueCodec SVC4_VALUE = new Svc4ValueCodec();
    public static final Backend4Codec BACKEND4 = new Backend4Codec();
    public static final RevNat4Codec REVNAT4 = new RevNat4Codec();
    public static final Ct4KeyCodec CT4_KEY = new Ct4KeyCodec();
    public static final Ct4ValueCodec CT4_VALUE = new Ct4ValueCodec();
    public static final SockRevNat4KeyCodec SOCK_REVNAT4_KEY = new SockRevNat4KeyCodec();
    public static final SockRevNat4ValueCodec SOCK_REVNAT4_VALUE = new SockRevNat4ValueCodec();
    public static final SockFlow4KeyCodec SOCK_FLOW4_KEY = new SockFlow4KeyCodec();
    public static final SockFlow4ValueCodec SOCK_FLOW4_VALUE = new SockFlow4ValueCodec();

    /** Every struct codec, one per C struct in bpf/lib/*.h. */
    public static final List<StructCodec<?>> ALL = List.of(SVC4_KEY, SVC4_VALUE, BACKEND4, REVNAT4,
            CT4_KEY, CT4_VALUE, SOCK_REVNAT4_KEY, SOCK_REVNAT4_VALUE, SOCK_FLOW4_KEY, SOCK_FLOW4_VALUE);

    public static final MapAbi SVC4_MAP = MapAbi.of("senda_svc4_v1", SVC4_KEY, SVC4_VALUE);
    public static final MapAbi BACKEND4_MAP = MapAbi.u32Keyed("senda_backend4_v1", BACKEND4);
    public static final MapAbi REVNAT4_MAP = MapAbi.u32Keyed("senda_revnat4_v1", REVNAT4);
    public static final MapAbi CT4_MAP = MapAbi.of("senda_ct4_v2", CT4_KEY, CT4_VALUE);
    public static final MapAbi SOCK_REVNAT4_MAP = MapAbi.of("senda_sockrevnat4_v1", SOCK_REVNAT4_KEY,
            SOCK_REVNAT4_VALUE);
    public static final MapAbi SOCK_FLOW4_MAP = MapAbi.of("senda_sockflow4_v1", SOCK_FLOW4_KEY, SOCK_FLOW4_VALUE);
    /** Per-CPU event counters, indexed by {@code enum senda_metric} (see dev.senda.maps.metrics). */
    public static final MapAbi METRICS_MAP = new MapAbi("senda_metrics_v1", "__u32", U32Codec.SIZE, "__u64", Long.BYTES);

    /** Every pinned map of the ABI. */
    public static final List<MapAbi> MAPS = List.of(SVC4_MAP, BACKEND4_MAP, REVNAT4_MAP, CT4_MAP, SOCK_REVNAT4_MAP,
            SOCK_FLOW4_MAP, METRICS_MAP);
}
