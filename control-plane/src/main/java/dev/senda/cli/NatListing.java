package dev.senda.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.senda.maps.nat.NatDirection;
import dev.senda.maps.nat.NatKey;
import dev.senda.maps.nat.NatValue;
import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the source-NAT maps of both families hold ({@code bpf/lib/abi/nat.h}), decoded: one row per
 * entry, OUT halves (the packet toward the backend, and the source it gets) and IN halves (the
 * backend's reply to a NAT port, and the client it goes back to), IPv4 first.
 */
public record NatListing(List<Row> rows) {
    /**
     * One entry: {@code packet} is the tuple it matches ("10.0.0.5:40000 -> 10.244.2.3:8080/TCP"),
     * {@code rewrite} what the datapath writes ("source 192.168.1.10:61234" or "destination
     * 10.0.0.5:40000"); {@code closing} after a TCP FIN or RST; {@code lastSeen} in the datapath's
     * ~1.07 s clock units.
     */
    @JsonPropertyOrder({"direction", "family", "protocol", "packet", "rewrite", "closing", "lastSeen"})
    public record Row(String direction, String family, String protocol, String packet, String rewrite,
                      boolean closing, long lastSeen) {
    }

    public static NatListing of(Map<NatKey, NatValue> entries) {
        List<Row> rows = new ArrayList<>();
        entries.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<NatKey, NatValue> e) -> e.getKey().family())
                        .thenComparing(e -> e.getKey().dir())
                        .thenComparing(e -> e.getKey().saddr().toString())
                        .thenComparingInt(e -> e.getKey().sport()))
                .forEach(e -> {
                    NatKey k = e.getKey();
                    NatValue v = e.getValue();
                    String packet = endpoint(k.saddr(), k.sport()) + " -> " + endpoint(k.daddr(), k.dport()) + "/"
                            + k.proto();
                    String rewrite = (k.dir() == NatDirection.OUT ? "source " : "destination ")
                            + endpoint(v.address(), v.port());
                    rows.add(new Row(k.dir().name().toLowerCase(), k.family().apiName(), k.proto().name(), packet,
                            rewrite, (v.flags() & NatValue.FLAG_CLOSING) != 0, v.lastSeen()));
                });
        return new NatListing(rows);
    }

    private static String endpoint(IpAddress address, int port) {
        return address.withPort(port);
    }

    /** A fixed-width table. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-4s %-58s %-36s %s%n", "DIR", "PACKET", "REWRITE", "STATE"));
        for (Row r : rows) {
            out.append(String.format("%-4s %-58s %-36s %s%n", r.direction(), r.packet(), r.rewrite(),
                    r.closing() ? "closing" : "open"));
        }
        return out.toString();
    }

    /** JSON: an array with one object per entry, fields in a fixed order. */
    public String toJson() {
        return Json.write(rows);
    }
}
