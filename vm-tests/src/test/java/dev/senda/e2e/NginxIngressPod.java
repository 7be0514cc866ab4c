package dev.senda.e2e;

import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An Ingress controller in a pod: Debian's nginx started by the test as a foreground process
 * ({@code daemon off}) in the pod's namespace, inside the node's cgroup under socket LB (its
 * connections to the Services' cluster IPs go through Senda as any pod's), with its own prefix,
 * configuration, PID file, logs and temp paths in one directory; stopped by PID with its workers.
 *
 * <p>The configuration is what a controller generates from Ingress objects: one server per host rule
 * (HTTP on 80 and HTTPS on 443 of both families, TLS terminated with the given certificate), one
 * location per path, each proxying to its Service's cluster IP and port (as ingress-nginx does with
 * {@code service-upstream}: the Service, not its endpoints, is the upstream, so Senda picks the
 * backend). The client's address is logged ({@code $remote_addr}) and passed on as {@code X-Real-IP}.
 */
final class NginxIngressPod implements AutoCloseable {
    static final String NGINX = "/usr/sbin/nginx";

    /** An Ingress rule: requests for {@code host} whose path starts with {@code path} go to {@code upstream} (ip:port). */
    record Route(String host, String path, String upstream) {
    }

    private final Testbed node;
    private final Pod pod;
    private final Path dir;
    private final Process process;

    private NginxIngressPod(Testbed node, Pod pod, Path dir, Process process) {
        this.node = node;
        this.pod = pod;
        this.dir = dir;
        this.process = process;
    }

    /** The configuration for {@code routes}, all paths under {@code dir}. */
    static String config(Path dir, List<Route> routes, Path cert, Path key) {
        StringBuilder servers = new StringBuilder();
        Map<String, List<Route>> byHost = new java.util.TreeMap<>();
        for (Route r : routes) byHost.computeIfAbsent(r.host(), h -> new java.util.ArrayList<>()).add(r);
        for (var e : byHost.entrySet()) {
            servers.append("    server {\n")
                    .append("        listen 80; listen [::]:80; listen 443 ssl; listen [::]:443 ssl;\n")
                    .append("        server_name ").append(e.getKey()).append(";\n")
                    .append("        ssl_certificate ").append(cert).append(";\n")
                    .append("        ssl_certificate_key ").append(key).append(";\n");
            for (Route r : e.getValue()) {
                servers.append("        location ").append(r.path()).append(" {\n")
                        .append("            proxy_pass http://").append(r.upstream()).append(";\n")
                        .append("        }\n");
            }
            servers.append("    }\n");
        }
        return """
                user root;
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    log_format ingress '$remote_addr $host $request_uri $status $upstream_addr';
                    access_log %1$s/access.log ingress;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    proxy_connect_timeout 2s;
                    proxy_read_timeout 5s;
                    proxy_set_header Host $host;
                    proxy_set_header X-Real-IP $remote_addr;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    server {
                        listen 80 default_server; listen [::]:80 default_server;
                        return 404;
                    }
                %2$s}
                """.formatted(dir, servers);
    }

    /**
     * Writes the configuration into a new directory under the node's log directory, checks it
     * ({@code nginx -t}), starts nginx in {@code pod} and waits (at most 10 s) until it answers on port 80.
     */
    static NginxIngressPod start(Testbed node, Pod pod, boolean inCgroup, List<Route> routes, Path cert, Path key)
            throws IOException {
        if (!Files.isExecutable(Path.of(NGINX))) throw new IOException("no " + NGINX + ": install Debian's nginx");
        Path dir = Files.createTempDirectory(node.logDir(), "nginx-" + pod.name() + "-");
        Files.createDirectories(dir.resolve("tmp"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(dir, routes, cert, key));
        List<String> nginx = List.of(NGINX, "-p", dir + "/", "-c", conf.toString(), "-e", dir.resolve("error.log").toString());
        List<String> test = new java.util.ArrayList<>(nginx);
        test.add("-t");
        Exec.run(Duration.ofSeconds(10), test.toArray(String[]::new)).check();
        List<String> cmd = node.clientCommand(pod, inCgroup, nginx.toArray(String[]::new));
        Process p = node.processes().track(new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
                .redirectErrorStream(true).start());
        NginxIngressPod n = new NginxIngressPod(node, pod, dir, p);
        try {
            dev.senda.test.Poll.result(Duration.ofSeconds(10), Duration.ofMillis(50),
                    () -> p.isAlive() ? Exec.run(Duration.ofSeconds(3), "nsenter", "--net=" + pod.netnsPath(), "curl", "-s",
                            "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", "http://127.0.0.1/").stdout() : "exited",
                    code -> code.equals("404") || code.equals("exited"), last -> "nginx in " + pod.name() + " to answer; last: " + last);
            if (!p.isAlive()) {
                throw new IOException("nginx exited " + p.exitValue() + ": " + Files.readString(dir.resolve("error.log")));
            }
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The access log's lines so far ({@code $remote_addr $host $request_uri $status $upstream_addr}). */
    List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    Pod pod() {
        return pod;
    }

    /** Stops nginx (its master by PID, the workers with it). */
    @Override
    public void close() {
        node.processes().stop(process, Duration.ofSeconds(3));
    }
}
