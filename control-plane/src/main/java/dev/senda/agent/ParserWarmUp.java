package dev.senda.agent;

import dev.senda.source.YamlObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and links what reading Kubernetes objects needs (Jackson, its YAML parser, the tree readers,
 * the model records) on a thread of its own while the agent's start thread waits for the
 * kernel (feature probes, the verifier): on a node with two cores the second one does this meanwhile,
 * instead of the source doing it after the datapath is loaded. Parsing a Service and an EndpointSlice
 * is what does it. The source parses exactly as it would without this (Jackson's caches and class
 * initialization are thread-safe); a failure here only costs the head start and is logged at debug.
 */
final class ParserWarmUp {
    private static final Logger log = LoggerFactory.getLogger(ParserWarmUp.class);

    /** A Service and its EndpointSlice with the fields real ones carry. */
    static final String SAMPLE = """
            apiVersion: v1
            kind: Service
            metadata: {name: warm-up, namespace: default, labels: {app: warm-up}, annotations: {a: b}}
            spec:
              type: ClusterIP
              clusterIP: 10.96.0.1
              clusterIPs: [10.96.0.1]
              ipFamilies: [IPv4]
              ipFamilyPolicy: SingleStack
              selector: {app: warm-up}
              sessionAffinity: None
              internalTrafficPolicy: Cluster
              ports: [{name: http, protocol: TCP, port: 80, targetPort: 8080}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: warm-up-1, namespace: default, labels: {kubernetes.io/service-name: warm-up}}
            addressType: IPv4
            ports: [{name: http, protocol: TCP, port: 8080}]
            endpoints:
              - addresses: [10.244.0.10]
                conditions: {ready: true, serving: true, terminating: false}
                nodeName: node-1
                zone: a
                targetRef: {kind: Pod, namespace: default, name: warm-up-a}
            """;

    private ParserWarmUp() {
    }

    /** Starts the warm-up on a daemon thread (it never holds up the agent's exit) and returns that thread. */
    static Thread start() {
        return Thread.ofPlatform().daemon().name("senda-parser-warm-up").start(ParserWarmUp::run);
    }

    /** Parses {@link #SAMPLE}; returns how many objects it read (2), or -1 after a failure. */
    static int run() {
        try {
            return YamlObjects.parse(SAMPLE).objectCount();
        } catch (YamlObjects.ParseException | RuntimeException e) {
            log.debug("parser warm-up failed (only the head start is lost): {}", e.toString());
            return -1;
        }
    }
}
