package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Node;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectKind;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.source.ServiceChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link DesiredStateCalculator}'s calculation kept up to date Service by Service: {@link #full} computes
 * everything from a snapshot and remembers each Service's part; {@link #update} then recomputes only the
 * Services a {@link ServiceChanges} dirties and says which frontends changed ({@link LbChanges}), with a
 * result equal to a full calculation of the same objects (a property test holds the two together).
 *
 * <p>Per Service, memoized: its parse (with the load-balancer IPs it loses to reserved addresses), its
 * claim (frontends it would have), and, when accepted, its frontends with backends, the rejections of its
 * slices and its local ready endpoint counts (health checks). The steps that read other Services are
 * handled by their dependencies:
 * <ul>
 *   <li>conflicts ({@link ConflictResolver}): an index of who claims each frontend and node port.
 *   When a dirty Service's claims before or after the change share a frontend or node port with any
 *   other Service, {@link #update} answers empty and the caller recomputes in full: precedence may
 *   move frontends between Services, and such overlaps are rare;</li>
 *   <li>reserved addresses (load-balancer IPs that are a node's or a pod's): a count of every node and
 *   slice address (taken when a load-balancer IP first needs it); when an address appears or disappears, the Services with that load-balancer IP are
 *   recomputed too. Node changes make the change set full (the store's rule), so node addresses and
 *   {@link NodeInfo} only change in {@link #full};</li>
 *   <li>health-check node ports ({@link HealthCheckPorts}: the first Service naming a port keeps it):
 *   recomputed at every update over the accepted Services that want one, from their memoized counts.</li>
 * </ul>
 *
 * <p>Cost of {@link #update}: proportional to the dirty Services' objects, plus the Services that want
 * a health check and the rejected objects. Not thread-safe: one sync thread owns it ({@link #full} hands
 * per-Service work to the common pool at large clusters and has it back before it returns). After an empty
 * answer from {@link #update} the memo is unusable until the next {@link #full}.
 */
public final class IncrementalDesiredState {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalDesiredState.class);
    private static final ObjectKind<Node> NODES = ObjectKind.of("Node", Node.class, Node::ref);

    /**
     * What one calculation gives: how the frontends differ from the previous calculation's, and the
     * rest of the desired state (the frontends themselves: {@link #lbState()}, a copy).
     *
     * @param full         whether this came from {@link #full}: then {@code changes} is empty and every
     *                     frontend is to be applied from {@link #lbState()}
     * @param changes      from {@link #update}: the frontends that differ from the previous calculation's
     * @param rejections   sorted by {@link Rejection#ORDER}
     * @param healthChecks as {@link DesiredState#healthChecks()}
     */
    public record Result(boolean full, LbChanges changes, List<Rejection> rejections, HealthChecks healthChecks) {
        public Result {
            Objects.requireNonNull(changes, "changes");
            Objects.requireNonNull(healthChecks, "healthChecks");
            rejections = List.copyOf(rejections);
        }
    }

    /** One Service's memoized part. */
    private record Entry(Service service, ParsedService parsed, List<Rejection> early,
                         ConflictResolver.Claim claim, List<IpAddress> loadBalancerIps, Built built) {
        Entry withBuilt(Built b) {
            return new Entry(service, parsed, early, claim, loadBalancerIps, b);
        }
    }

    /** An accepted Service's frontends (each once, first kind kept), slice rejections, local counts. */
    private record Built(List<DesiredFrontend> frontends, List<Rejection> sliceRejections,
                         Map<IpFamily, Integer> localReady) {
    }

    private final NodePortAddresses nodePortAddresses;
    private boolean valid;
    private NodeInfo node;
    private List<IpAddress> nodeAddresses = List.of();
    private final Map<ObjectRef, Entry> entries = new HashMap<>();
    /** Each Service's slices as last seen (also of Services that do not exist), sorted by ref. */
    private final Map<ObjectRef, List<EndpointSlice>> slicesOf = new HashMap<>();
    /** Node addresses and every slice address, with their number of occurrences. */
    private final Map<IpAddress, Integer> reserved = new HashMap<>();
    /**
     * Whether {@link #reserved} is counted: only once a Service with a load-balancer IP needs it (most
     * clusters have none, and counting every endpoint address is the dearest step of a full calculation).
     */
    private boolean reservedCounted;
    /** Node addresses and unlabeled slices: what {@link #reserved} counts besides {@link #slicesOf}. */
    private final List<IpAddress> nodeReserved = new ArrayList<>();
    private final List<EndpointSlice> unlabeledSlices = new ArrayList<>();
    private final Map<IpAddress, Set<ObjectRef>> loadBalancerIpUsers = new HashMap<>();
    private final Map<Frontend, Set<ObjectRef>> frontendClaims = new HashMap<>();
    private final Map<String, Set<ObjectRef>> nodePortClaims = new HashMap<>();
    /** The conflict rejection of each Service that lost one, from the last full calculation. */
    private final Map<ObjectRef, Rejection> conflictLost = new HashMap<>();
    private final TreeMap<Frontend, DesiredFrontend> frontends = new TreeMap<>();
    private final Set<ObjectRef> healthCheckCandidates = new HashSet<>();
    private final Map<ObjectRef, List<Rejection>> earlyRejections = new HashMap<>();
    private final Map<ObjectRef, List<Rejection>> sliceRejections = new HashMap<>();

    public IncrementalDesiredState(NodePortAddresses nodePortAddresses) {
        this.nodePortAddresses = Objects.requireNonNull(nodePortAddresses, "nodePortAddresses");
    }

    /** Whether {@link #update} may be called (a {@link #full} ran, and no update fell back since). */
    public boolean ready() {
        return valid;
    }

    /**
     * Everything from {@code snapshot}, forgetting what was memoized (a {@link Result#full()} result).
     */
    public Result full(Snapshot snapshot, NodeInfo node) {
        Objects.requireNonNull(snapshot, "snapshot");
        this.node = Objects.requireNonNull(node, "node");
        clear();
        nodeAddresses = nodePortAddresses.select(node);
        for (Node n : snapshot.all(NODES).values()) {
            for (Node.Address a : n.addresses()) {
                if (a.address() != null) IpAddress.parse(a.address()).ifPresent(nodeReserved::add);
            }
        }
        for (EndpointSlice slice : snapshot.endpointSlices().values()) {
            ObjectRef owner = owner(slice);
            if (owner != null) slicesOf.computeIfAbsent(owner, k -> new ArrayList<>()).add(slice);
            else unlabeledSlices.add(slice);
        }
        // Parsing a Service and building an accepted one read nothing but it, its slices (grouped above)
        // and the node: at a large cluster both run on the common pool's threads besides this one, each
        // into its own element, and every step that reads across Services stays on this thread, in order.
        List<Service> services = List.copyOf(snapshot.services().values());
        ServiceParse[] parses = new ServiceParse[services.size()];
        Entry[] parsed = new Entry[services.size()];
        inParallel(parsed.length, i -> {
            parses[i] = ServiceParser.parse(services.get(i));
            parsed[i] = parseAlone(services.get(i), parses[i]);
        });
        List<ConflictResolver.Claim> claims = new ArrayList<>();
        for (int i = 0; i < parsed.length; i++) {
            Service svc = services.get(i);
            Entry e = parsed[i] != null ? parsed[i] : parse(svc, parses[i]);
            entries.put(svc.ref(), e);
            if (!e.early().isEmpty()) earlyRejections.put(svc.ref(), e.early());
            index(e, true);
            if (e.claim() != null) claims.add(e.claim());
        }
        ConflictResolver.Resolution resolution = ConflictResolver.resolve(claims);
        for (Rejection r : resolution.rejections()) conflictLost.put(r.object(), r);
        List<ConflictResolver.Claim> accepted = resolution.accepted();
        Entry[] built = new Entry[accepted.size()];
        inParallel(built.length, i -> built[i] = build(entries.get(accepted.get(i).service().ref())));
        for (Entry e : built) {
            entries.put(e.service().ref(), e);
            addBuilt(e);
        }
        valid = true;
        return assemble(true, LbChanges.NONE);
    }

    /**
     * Recomputes the Services {@code changes} dirties (and those whose load-balancer IPs it reserves
     * or frees). Empty when only a full calculation is correct: the changes are full, the memo is not
     * {@link #ready()}, or a dirty Service's claims overlap another Service's.
     */
    public Optional<Result> update(ServiceChanges changes) {
        Objects.requireNonNull(changes, "changes");
        if (!valid || changes.full()) return Optional.empty();
        valid = false; // until this update completes
        Set<ObjectRef> dirty = new TreeSet<>(changes.services().keySet());
        Set<IpAddress> flipped = new HashSet<>();
        for (ObjectRef ref : changes.services().keySet()) {
            List<EndpointSlice> old = slicesOf.getOrDefault(ref, List.of());
            List<EndpointSlice> now = changes.slicesOf().get(ref);
            if (old.equals(now)) continue;
            if (reservedCounted) {
                for (EndpointSlice s : old) flipped.addAll(count(s, -1));
                for (EndpointSlice s : now) flipped.addAll(count(s, 1));
            }
            if (now.isEmpty()) slicesOf.remove(ref);
            else slicesOf.put(ref, List.copyOf(now));
        }
        for (IpAddress ip : flipped) dirty.addAll(loadBalancerIpUsers.getOrDefault(ip, Set.of()));

        // Claims that overlap another Service's, before or after the change, need conflict resolution:
        // checked against the old claims first, then against every new one (two dirty Services may
        // come to overlap each other).
        Map<ObjectRef, Entry> next = new LinkedHashMap<>();
        Map<ObjectRef, Entry> previous = new HashMap<>();
        for (ObjectRef ref : dirty) {
            Entry old = entries.get(ref);
            if (overlaps(ref, old) || conflictLost.containsKey(ref)) return fallBack(ref);
            Optional<Service> svc = changes.services().containsKey(ref) ? changes.services().get(ref)
                    : Optional.ofNullable(old).map(Entry::service);
            next.put(ref, svc.map(this::parse).orElse(null));
            if (old != null) previous.put(ref, old);
        }
        previous.values().forEach(old -> index(old, false));
        for (Entry now : next.values()) if (now != null) index(now, true);
        for (Map.Entry<ObjectRef, Entry> e : next.entrySet()) {
            if (overlaps(e.getKey(), e.getValue())) return fallBack(e.getKey());
        }
        // Every old part out before any new one goes in: a frontend may move from one dirty Service to another.
        Map<Frontend, DesiredFrontend> oldFrontends = new HashMap<>();
        for (ObjectRef ref : next.keySet()) {
            Entry old = entries.remove(ref);
            if (old == null) continue;
            removeBuilt(ref, old);
            if (old.built() != null) old.built().frontends().forEach(df -> oldFrontends.put(df.frontend(), df));
        }
        TreeMap<Frontend, DesiredFrontend> upserted = new TreeMap<>();
        for (Map.Entry<ObjectRef, Entry> e : next.entrySet()) {
            Entry now = e.getValue();
            if (now == null) continue;
            if (now.claim() != null) now = build(now); // no overlap: accepted
            entries.put(e.getKey(), now);
            if (!now.early().isEmpty()) earlyRejections.put(e.getKey(), now.early());
            addBuilt(now);
            if (now.built() == null) continue;
            for (DesiredFrontend df : now.built().frontends()) {
                if (!df.equals(oldFrontends.remove(df.frontend()))) upserted.put(df.frontend(), df);
            }
        }
        TreeSet<Frontend> removed = new TreeSet<>(oldFrontends.keySet());
        valid = true;
        return Optional.of(assemble(false, new LbChanges(upserted, removed)));
    }

    private Optional<Result> fallBack(ObjectRef ref) {
        LOG.debug("Service {} shares a frontend or node port with another: full calculation", ref);
        return Optional.empty();
    }

    /** The current frontends, as a calculation would give them (a copy: linear in the frontends). */
    public LbState lbState() {
        return new LbState(frontends);
    }

    // ---- per Service ----

    /**
     * Fewest Services for which {@link #full} parses them on several threads, and fewest accepted ones for
     * which it builds them so: below it the hand-over costs more than it saves (an update never does).
     */
    static final int PARALLEL_MIN = 1_000;

    /** {@link #PARALLEL_MIN}, or what a test sets ({@link #parallelFrom}). */
    private int parallelMin = PARALLEL_MIN;

    /** For tests: {@link #full} parses and builds on several threads from {@code services} Services on. */
    IncrementalDesiredState parallelFrom(int services) {
        this.parallelMin = services;
        return this;
    }

    /** Runs {@code task} for {@code 0..n-1}, on the common pool's threads and this one when n is large. */
    private void inParallel(int n, java.util.function.IntConsumer task) {
        java.util.stream.IntStream range = java.util.stream.IntStream.range(0, n);
        (n >= parallelMin ? range.parallel() : range).forEach(task);
    }

    /** Parse, reserved load-balancer IPs, claim. */
    private Entry parse(Service svc) {
        return parse(svc, ServiceParser.parse(svc));
    }

    /**
     * {@link #parse(Service, ServiceParse)} where it reads nothing of this memo but the node's addresses, so
     * that it may run on any thread: null for a Service with load-balancer IPs, whose parse counts the
     * reserved addresses (left to the memo's thread).
     */
    private Entry parseAlone(Service svc, ServiceParse parse) {
        if (parse instanceof ServiceParse.Accepted(ParsedService parsed, var _)
                && !parsed.external().loadBalancerIps().isEmpty()) {
            return null;
        }
        return parse(svc, parse);
    }

    /** {@link #parse(Service)} of what {@link ServiceParser} made of it. */
    private Entry parse(Service svc, ServiceParse parse) {
        List<Rejection> early = new ArrayList<>();
        return switch (parse) {
            case ServiceParse.Accepted(ParsedService parsed, List<String> skipped) -> {
                skipped.forEach(r -> early.add(new Rejection(Rejection.SERVICE, svc.ref(), r)));
                ParsedService s = parsed;
                List<IpAddress> lbIps = parsed.external().loadBalancerIps();
                if (!lbIps.isEmpty()) {
                    s = s.withExternal(s.external().withoutReserved(reserved(),
                            r -> early.add(new Rejection(Rejection.SERVICE, svc.ref(), r))));
                }
                yield new Entry(svc, s, List.copyOf(early),
                        new ConflictResolver.Claim(s, FrontendExpanders.expand(s, nodeAddresses)), lbIps, null);
            }
            case ServiceParse.Rejected(List<String> reasons) -> {
                reasons.forEach(r -> early.add(new Rejection(Rejection.SERVICE, svc.ref(), r)));
                yield new Entry(svc, null, List.copyOf(early), null, List.of(), null);
            }
            case ServiceParse.Skipped(String why) -> {
                LOG.debug("Service {} skipped: {}", svc.ref(), why);
                yield new Entry(svc, null, List.of(), null, List.of(), null);
            }
        };
    }

    /** An accepted Service's frontends with backends, from its own slices. */
    private Entry build(Entry e) {
        ServiceEndpoints endpoints = new ServiceEndpoints(slicesOf.getOrDefault(e.service().ref(), List.of()));
        Map<Frontend, DesiredFrontend> mine = new LinkedHashMap<>();
        // One Service may name an address twice (an external IP equal to its own cluster IP, an
        // ingress IP also listed in externalIPs): the first kind listed keeps it, with the same backends.
        for (DesiredFrontend df : DesiredStateCalculator.withBackends(e.claim(), endpoints, node)) {
            mine.putIfAbsent(df.frontend(), df);
        }
        Map<IpFamily, Integer> local = HealthCheckPorts.wanted(e.parsed())
                ? HealthCheckPorts.localReady(e.parsed(), endpoints, node) : null;
        return e.withBuilt(new Built(List.copyOf(mine.values()), endpoints.rejections(), local));
    }

    private void addBuilt(Entry e) {
        ObjectRef ref = e.service().ref();
        if (e.built() == null) return;
        for (DesiredFrontend df : e.built().frontends()) frontends.put(df.frontend(), df);
        if (!e.built().sliceRejections().isEmpty()) sliceRejections.put(ref, e.built().sliceRejections());
        if (e.built().localReady() != null) healthCheckCandidates.add(ref);
    }

    private void removeBuilt(ObjectRef ref, Entry e) {
        earlyRejections.remove(ref);
        sliceRejections.remove(ref);
        healthCheckCandidates.remove(ref);
        if (e.built() != null) e.built().frontends().forEach(df -> frontends.remove(df.frontend()));
    }

    // ---- cross-Service indexes ----

    /** Adds ({@code add}) or removes the entry's claims and load-balancer IPs from the indexes. */
    private void index(Entry e, boolean add) {
        ObjectRef ref = e.service().ref();
        for (IpAddress ip : e.loadBalancerIps()) indexOne(loadBalancerIpUsers, ip, ref, add);
        if (e.claim() == null) return;
        for (PlannedFrontend pf : e.claim().frontends()) indexOne(frontendClaims, pf.frontend(), ref, add);
        for (String np : nodePortKeys(e.parsed())) indexOne(nodePortClaims, np, ref, add);
    }

    private static <K> void indexOne(Map<K, Set<ObjectRef>> index, K key, ObjectRef ref, boolean add) {
        if (add) {
            index.computeIfAbsent(key, k -> new HashSet<>(2)).add(ref);
        } else {
            Set<ObjectRef> refs = index.get(key);
            if (refs == null) return;
            refs.remove(ref);
            if (refs.isEmpty()) index.remove(key);
        }
    }

    /** Whether a claim of {@code e} (a frontend, a node port) is claimed by another Service too. */
    private boolean overlaps(ObjectRef ref, Entry e) {
        if (e == null || e.claim() == null) return false;
        for (PlannedFrontend pf : e.claim().frontends()) {
            if (othersThan(ref, frontendClaims.get(pf.frontend()))) return true;
        }
        for (String np : nodePortKeys(e.parsed())) {
            if (othersThan(ref, nodePortClaims.get(np))) return true;
        }
        return false;
    }

    private static boolean othersThan(ObjectRef ref, Set<ObjectRef> claimants) {
        return claimants != null && (claimants.size() > 1 || !claimants.contains(ref));
    }

    /** The node ports as {@link ConflictResolver} keys them (number/protocol). */
    private static List<String> nodePortKeys(ParsedService s) {
        List<String> out = new ArrayList<>();
        s.external().nodePorts().forEach((p, n) -> out.add(n + "/" + p.proto()));
        return out;
    }

    /** The reserved addresses, counted at the first call after a {@link #full} (slices as they are then). */
    private Set<IpAddress> reserved() {
        if (!reservedCounted) {
            reservedCounted = true;
            nodeReserved.forEach(ip -> reserved.merge(ip, 1, Integer::sum));
            unlabeledSlices.forEach(s -> count(s, 1));
            slicesOf.values().forEach(slices -> slices.forEach(s -> count(s, 1)));
        }
        return reserved.keySet();
    }

    /** Counts a slice's addresses in or out of the reserved set; returns those that appeared or went. */
    private List<IpAddress> count(EndpointSlice slice, int delta) {
        List<IpAddress> flipped = new ArrayList<>();
        for (Endpoint e : slice.endpoints()) {
            for (String a : e.addresses()) {
                Optional<IpAddress> ip = IpAddress.parse(a);
                if (ip.isEmpty()) continue;
                Integer n = reserved.merge(ip.get(), delta, Integer::sum);
                if (n == 0) reserved.remove(ip.get());
                if (n == 0 || (delta > 0 && n == delta)) flipped.add(ip.get());
            }
        }
        return flipped;
    }

    private static ObjectRef owner(EndpointSlice slice) {
        return slice.serviceName() == null || slice.serviceName().isEmpty() ? null
                : new ObjectRef(slice.ref().namespace(), slice.serviceName());
    }

    // ---- output ----

    /** The desired state from the memo: frontends, health checks, every rejection sorted. */
    private Result assemble(boolean full, LbChanges changes) {
        List<Rejection> rejections = new ArrayList<>();
        earlyRejections.values().forEach(rejections::addAll);
        rejections.addAll(conflictLost.values());
        List<ParsedService> candidates = new ArrayList<>();
        for (ObjectRef ref : healthCheckCandidates) candidates.add(entries.get(ref).parsed());
        candidates.sort(ConflictResolver.PRECEDENCE);
        List<HealthCheckServer> healthChecks = HealthCheckPorts.of(candidates,
                ref -> entries.get(ref).service().loadBalancer().healthCheckNodePort(),
                svc -> entries.get(svc.ref()).built().localReady(), rejections);
        sliceRejections.values().forEach(rejections::addAll);
        // Stable by object: one object's reasons are added in the order a full calculation finds them
        // (parse, reserved, conflict, health check), and each object's come from one list.
        rejections.sort(Rejection.ORDER);
        return new Result(full, changes, rejections, new HealthChecks(nodeAddresses, healthChecks));
    }

    private void clear() {
        valid = false;
        entries.clear();
        slicesOf.clear();
        reserved.clear();
        reservedCounted = false;
        nodeReserved.clear();
        unlabeledSlices.clear();
        loadBalancerIpUsers.clear();
        frontendClaims.clear();
        nodePortClaims.clear();
        conflictLost.clear();
        frontends.clear();
        healthCheckCandidates.clear();
        earlyRejections.clear();
        sliceRejections.clear();
    }

    /** For tests: how many Services are memoized. */
    int memoized() {
        return entries.size();
    }
}
