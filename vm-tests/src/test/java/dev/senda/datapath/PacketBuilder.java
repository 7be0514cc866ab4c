package dev.senda.datapath;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Builds Ethernet + IPv4 or IPv6 + TCP/UDP/SCTP/ICMP(v6) frames byte by byte, with every checksum computed
 * from scratch. The family follows the addresses given ({@code src}/{@code dst} of one family). Tests build both the packet they feed the datapath and the packet they expect back,
 * and compare bytes: so "the datapath's incremental checksum update is right" means "equal to
 * a full recomputation".
 */
final class PacketBuilder {
    static final int ETH_HLEN = 14;
    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_ICMPV6 = 58;
    static final int PROTO_SCTP = 132;
    static final int NEXT_HOP_BY_HOP = 0;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_IPV6 = 0x86dd;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    /** SCTP chunk types (RFC 9260 3.2). */
    static final int SCTP_DATA = 0;
    static final int SCTP_INIT = 1;
    static final int SCTP_INIT_ACK = 2;

    /** MAC of a pod's interface and of the host side of its veth (values do not matter). */
    static final byte[] POD_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    static final byte[] HOST_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

    private final int proto;
    private byte[] srcMac = POD_MAC;
    private byte[] dstMac = HOST_MAC;
    private int etherType = -1;   // -1: the family's
    private byte[] src;
    private byte[] dst;
    private int sport;
    private int dport;
    private int tos;
    private int ipId = 0x1c46;
    private boolean dontFragment = true;
    private int fragment;          // frag_off bits other than DF (MF, offset)
    private int ttl = 64;
    private byte[] ipOptions = new byte[0];
    private long seq;
    private long ack;
    private int tcpFlags;
    private int window = 64240;
    private byte[] tcpOptions = new byte[0];
    private boolean udpNoChecksum;
    private int icmpType;
    private int icmpCode;
    private byte[] payload = new byte[0];
    private boolean hopByHop;
    private long vtag;
    private final ByteArrayOutputStream sctpChunks = new ByteArrayOutputStream();

    private PacketBuilder(int proto) {
        this.proto = proto;
    }

    static PacketBuilder tcp(String src, int sport, String dst, int dport) {
        return new PacketBuilder(PROTO_TCP).src(src, sport).dst(dst, dport);
    }

    static PacketBuilder udp(String src, int sport, String dst, int dport) {
        return new PacketBuilder(PROTO_UDP).src(src, sport).dst(dst, dport);
    }

    /** SCTP common header; add chunks with {@link #chunk}, {@link #init}, {@link #data}. */
    static PacketBuilder sctp(String src, int sport, String dst, int dport) {
        return new PacketBuilder(PROTO_SCTP).src(src, sport).dst(dst, dport);
    }

    /** ICMP for IPv4 addresses, ICMPv6 for IPv6 ones. */
    static PacketBuilder icmp(String src, String dst, int type, int code) {
        PacketBuilder b = new PacketBuilder(PROTO_ICMP).src(src, 0).dst(dst, 0);
        b.icmpType = type;
        b.icmpCode = code;
        return b;
    }

    PacketBuilder src(String addr, int port) {
        this.src = ip(addr).bytes();
        this.sport = port;
        return this;
    }

    PacketBuilder dst(String addr, int port) {
        this.dst = ip(addr).bytes();
        this.dport = port;
        return this;
    }

    PacketBuilder macs(byte[] srcMac, byte[] dstMac) {
        this.srcMac = srcMac.clone();
        this.dstMac = dstMac.clone();
        return this;
    }

    PacketBuilder etherType(int etherType) {
        this.etherType = etherType;
        return this;
    }

    PacketBuilder tos(int tos) {
        this.tos = tos;
        return this;
    }

    PacketBuilder ipId(int id) {
        this.ipId = id;
        return this;
    }

    PacketBuilder dontFragment(boolean df) {
        this.dontFragment = df;
        return this;
    }

    /** Sets the MF bit and/or a fragment offset (in 8-byte units). */
    PacketBuilder fragment(boolean moreFragments, int offset8) {
        this.fragment = (moreFragments ? 0x2000 : 0) | (offset8 & 0x1fff);
        return this;
    }

    PacketBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    /** IPv4 options; length must be a multiple of 4 (pad with NOP/EOL yourself). */
    PacketBuilder ipOptions(byte... options) {
        if (options.length % 4 != 0 || options.length > 40) throw new IllegalArgumentException("bad option length");
        this.ipOptions = options.clone();
        return this;
    }

    /** IPv6 only: puts an 8-byte hop-by-hop options header (PadN) between the fixed header and L4. */
    PacketBuilder hopByHop() {
        this.hopByHop = true;
        return this;
    }

    PacketBuilder seq(long seq) {
        this.seq = seq;
        return this;
    }

    PacketBuilder ack(long ack) {
        this.ack = ack;
        return this;
    }

    PacketBuilder flags(int tcpFlags) {
        this.tcpFlags = tcpFlags;
        return this;
    }

    PacketBuilder window(int window) {
        this.window = window;
        return this;
    }

    /** TCP options; length must be a multiple of 4. */
    PacketBuilder tcpOptions(byte... options) {
        if (options.length % 4 != 0 || options.length > 40) throw new IllegalArgumentException("bad option length");
        this.tcpOptions = options.clone();
        return this;
    }

    /** SCTP only: the verification tag of the common header (0 in an INIT). */
    PacketBuilder vtag(long vtag) {
        this.vtag = vtag;
        return this;
    }

    /** SCTP only: appends a chunk (header with the unpadded length, value, zero padding to 4 bytes). */
    PacketBuilder chunk(int type, int flags, byte[] value) {
        int len = 4 + value.length;
        sctpChunks.write(type);
        sctpChunks.write(flags);
        sctpChunks.write(len >> 8);
        sctpChunks.write(len);
        sctpChunks.writeBytes(value);
        sctpChunks.writeBytes(new byte[(4 - len % 4) % 4]);
        return this;
    }

    /** SCTP only: an INIT (or INIT ACK) chunk without parameters, with this initiate tag. */
    PacketBuilder init(int type, long initiateTag, long initialTsn) {
        ByteBuffer v = ByteBuffer.allocate(16);
        v.putInt((int) initiateTag).putInt(106496).putShort((short) 10).putShort((short) 10).putInt((int) initialTsn);
        return chunk(type, 0, v.array());
    }

    /** SCTP only: a DATA chunk (unordered off, beginning and end of a message: flags 0x03). */
    PacketBuilder data(long tsn, byte[] userData) {
        ByteBuffer v = ByteBuffer.allocate(12 + userData.length);
        v.putInt((int) tsn).putShort((short) 0).putShort((short) 0).putInt(0).put(userData);
        return chunk(SCTP_DATA, 0x03, v.array());
    }

    /** UDP only: send with checksum 0 ("no checksum", legal for UDP over IPv4). */
    PacketBuilder noUdpChecksum() {
        this.udpNoChecksum = true;
        return this;
    }

    PacketBuilder payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    PacketBuilder payload(String ascii) {
        return payload(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private boolean v6() {
        if (src.length != dst.length) throw new IllegalStateException("source and destination of different families");
        return src.length == 16;
    }

    /** The protocol number as it appears on the wire (ICMP becomes ICMPv6 over IPv6). */
    private int wireProto() {
        return proto == PROTO_ICMP && v6() ? PROTO_ICMPV6 : proto;
    }

    byte[] build() {
        byte[] l4 = switch (proto) {
            case PROTO_TCP -> tcpSegment();
            case PROTO_UDP -> udpDatagram();
            case PROTO_ICMP -> icmpMessage();
            case PROTO_SCTP -> sctpPacket();
            default -> throw new IllegalStateException("protocol " + proto);
        };
        byte[] ipHeader = v6() ? ipv6Header(l4.length) : ipv4Header(l4.length);
        int type = etherType >= 0 ? etherType : v6() ? ETH_P_IPV6 : ETH_P_IP;
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(dstMac);
        frame.writeBytes(srcMac);
        frame.write(type >> 8);
        frame.write(type);
        frame.writeBytes(ipHeader);
        frame.writeBytes(l4);
        return frame.toByteArray();
    }

    /** The 40-byte fixed header (and the hop-by-hop header if asked for); tos is the traffic class, ttl the hop limit. */
    private byte[] ipv6Header(int l4Length) {
        int ext = hopByHop ? 8 : 0;
        ByteBuffer ip = ByteBuffer.allocate(40 + ext);
        ip.putInt(6 << 28 | (tos & 0xff) << 20);
        ip.putShort((short) (ext + l4Length));
        ip.put((byte) (hopByHop ? NEXT_HOP_BY_HOP : wireProto()));
        ip.put((byte) ttl);
        ip.put(src).put(dst);
        if (hopByHop) {
            // next header, length 0 (8 bytes), then a PadN option filling the remaining 6 bytes
            ip.put((byte) wireProto()).put((byte) 0).put((byte) 1).put((byte) 4).putInt(0);
        }
        return ip.array();
    }

    private byte[] ipv4Header(int l4Length) {
        int ihl = 20 + ipOptions.length;
        ByteBuffer ip = ByteBuffer.allocate(ihl);
        ip.put((byte) (0x40 | (ihl / 4)));
        ip.put((byte) tos);
        ip.putShort((short) (ihl + l4Length));
        ip.putShort((short) ipId);
        ip.putShort((short) ((dontFragment ? 0x4000 : 0) | fragment));
        ip.put((byte) ttl);
        ip.put((byte) proto);
        ip.putShort((short) 0);
        ip.put(src).put(dst).put(ipOptions);
        byte[] ipHeader = ip.array();
        int ipSum = Checksums.of(ipHeader, 0, ihl);
        ipHeader[10] = (byte) (ipSum >> 8);
        ipHeader[11] = (byte) ipSum;
        return ipHeader;
    }

    private byte[] tcpSegment() {
        int hlen = 20 + tcpOptions.length;
        ByteBuffer b = ByteBuffer.allocate(hlen + payload.length);
        b.putShort((short) sport).putShort((short) dport);
        b.putInt((int) seq).putInt((int) ack);
        b.put((byte) ((hlen / 4) << 4)).put((byte) tcpFlags);
        b.putShort((short) window);
        b.putShort((short) 0);     // checksum, below
        b.putShort((short) 0);     // urgent pointer
        b.put(tcpOptions).put(payload);
        byte[] seg = b.array();
        int sum = Checksums.fold(Checksums.pseudoHeaderSum(src, dst, PROTO_TCP, seg.length)
                + Checksums.sum(seg, 0, seg.length));
        seg[16] = (byte) (sum >> 8);
        seg[17] = (byte) sum;
        return seg;
    }

    private byte[] udpDatagram() {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport);
        b.putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        byte[] dg = b.array();
        if (!udpNoChecksum) {
            int sum = Checksums.fold(Checksums.pseudoHeaderSum(src, dst, PROTO_UDP, dg.length)
                    + Checksums.sum(dg, 0, dg.length));
            if (sum == 0) sum = 0xffff;  // RFC 768: a computed 0 is sent as all ones
            dg[6] = (byte) (sum >> 8);
            dg[7] = (byte) sum;
        }
        return dg;
    }

    /** Common header + chunks; the CRC32c over all of it (field zero) goes in least significant byte first. */
    private byte[] sctpPacket() {
        byte[] chunks = sctpChunks.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(12 + chunks.length);
        b.putShort((short) sport).putShort((short) dport).putInt((int) vtag).putInt(0).put(chunks);
        byte[] pkt = b.array();
        int crc = Checksums.crc32c(pkt, 0, pkt.length);
        for (int i = 0; i < 4; i++) pkt[8 + i] = (byte) (crc >>> (8 * i));
        return pkt;
    }

    private byte[] icmpMessage() {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) icmpType).put((byte) icmpCode).putShort((short) 0).putInt(0);
        b.put(payload);
        byte[] msg = b.array();
        // ICMPv6 covers a pseudo header (RFC 4443 2.3); ICMP for IPv4 does not.
        int sum = v6() ? Checksums.fold(Checksums.pseudoHeaderSum(src, dst, PROTO_ICMPV6, msg.length)
                + Checksums.sum(msg, 0, msg.length)) : Checksums.of(msg, 0, msg.length);
        msg[2] = (byte) (sum >> 8);
        msg[3] = (byte) sum;
        return msg;
    }

    /** Parses an IP literal of either family (never a DNS lookup). */
    static dev.senda.net.IpAddress ip(String literal) {
        return dev.senda.net.IpAddress.parse(literal).orElseThrow(() -> new IllegalArgumentException(literal));
    }

    /** Parses an IPv4 literal (never a DNS lookup). */
    static dev.senda.net.IpAddress ipv4(String literal) {
        return dev.senda.net.IpAddress.parse(literal).filter(dev.senda.net.IpAddress::isIpv4).orElseThrow();
    }
}
