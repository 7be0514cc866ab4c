#!/usr/bin/env bash
# Senda on a real single-node cluster: installs k3s without kube-proxy, deploys Senda from deploy/ in
# its place, and runs Service scenarios against real pods (ClusterIP from a pod, NodePort from the
# node, cluster DNS through Senda, a backend replaced). Needs a disposable Debian 12 VM (vagrant or
# lima, see vm-tests/README.md) with root and internet access: it downloads k3s, container images and
# the JDK image. Not run by CI.
#
#   sudo vm-tests/k3s/k3s-scenarios.sh            # install, deploy, run the scenarios
#   sudo vm-tests/k3s/k3s-scenarios.sh --uninstall  # remove k3s again (k3s-uninstall.sh)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMAGE=localhost/senda:dev
NS=senda-e2e
say() { echo "k3s-scenarios: $*" >&2; }
die() { say "error: $*"; exit 1; }
kc() { k3s kubectl "$@"; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs k3s)"
if [ "${1:-}" = --uninstall ]; then
    [ -x /usr/local/bin/k3s-uninstall.sh ] && /usr/local/bin/k3s-uninstall.sh
    exit 0
fi

# --- k3s without kube-proxy ------------------------------------------------------------------------
if ! command -v k3s >/dev/null; then
    say "installing k3s (no kube-proxy, flannel vxlan, no traefik or servicelb)"
    curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --disable-kube-proxy --disable=traefik --disable=servicelb --flannel-backend=vxlan --write-kubeconfig-mode=0600" sh -
fi
NODE_IP=$(kc get node -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
DEV=$(ip -o route get "$NODE_IP" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p')
[ -n "$DEV" ] && [ "$DEV" != lo ] || DEV=$(ip -o -4 addr show | awk -v ip="$NODE_IP" '!found && $4 ~ "^"ip"/" {print $2; found = 1}')
[ -n "$NODE_IP" ] && [ -n "$DEV" ] || die "cannot find the node's address and device"
say "node address $NODE_IP on $DEV"

# --- the agent's image, imported into k3s's containerd ---------------------------------------------
"$ROOT/senda" build
command -v podman >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends podman
podman build -t "$IMAGE" -f "$HERE/Containerfile" "$ROOT"
podman save "$IMAGE" | k3s ctr images import -

# --- Senda from deploy/, in kube-proxy's place -----------------------------------------------------
# Without kube-proxy nothing translates the API server's Service address yet: the agent talks to the
# API server at the node's own address (as Cilium's k8sServiceHost does).
kc kustomize "$ROOT/deploy" | sed -e "s|image: senda:latest|image: $IMAGE|" -e "s|--node-devices=eth0|--node-devices=$DEV|" \
    | kc apply -f -
kc -n kube-system set env ds/senda KUBERNETES_SERVICE_HOST="$NODE_IP" KUBERNETES_SERVICE_PORT=6443
kc -n kube-system rollout status ds/senda --timeout=180s || die "Senda's DaemonSet did not become ready"

# --- scenarios ---------------------------------------------------------------------------------------
kc create namespace "$NS" --dry-run=client -o yaml | kc apply -f -
trap 'kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true' EXIT
kc -n "$NS" apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
        - name: echo
          image: registry.k8s.io/e2e-test-images/agnhost:2.52
          args: ["netexec", "--http-port=8080", "--udp-port=8081"]
          ports: [{containerPort: 8080}, {containerPort: 8081, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  type: NodePort
  selector: {app: echo}
  ports:
    - {name: http, port: 80, targetPort: 8080, nodePort: 30080}
    - {name: udp, port: 81, targetPort: 8081, protocol: UDP}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
    - name: client
      image: registry.k8s.io/e2e-test-images/agnhost:2.52
      args: ["pause"]
YAML
kc -n "$NS" rollout status deploy/echo --timeout=180s
kc -n "$NS" wait --for=condition=Ready pod/client --timeout=180s

fails=0
check() { # $1 = description; rest = command, retried for at most 60 s
    local what=$1 i
    shift
    for i in $(seq 1 30); do
        if "$@" >/dev/null 2>&1; then say "ok: $what"; return 0; fi
        sleep 2
    done
    say "FAILED: $what"
    fails=$((fails + 1))
}
check "ClusterIP from a pod (TCP)" kc -n "$NS" exec client -- /agnhost connect --timeout=3s echo:80
check "ClusterIP from a pod by name through cluster DNS (CoreDNS behind Senda)" \
    kc -n "$NS" exec client -- /agnhost connect --timeout=3s "echo.$NS.svc.cluster.local:80"
check "ClusterIP from a pod (UDP)" sh -c "k3s kubectl -n $NS exec client -- sh -c 'echo hostname | nc -u -w 2 echo 81' | grep -q echo-"
check "NodePort from the node" curl -sf --max-time 3 "http://$NODE_IP:30080/hostname"
check "the agent programmed the Service" sh -c \
    "k3s kubectl -n kube-system exec ds/senda -- java -cp '/opt/senda/classes:/opt/senda/lib/*' dev.senda.cli.Main bpf lb list | grep -q ':30080'"
# a backend replaced while the Service stays reachable
kc -n "$NS" delete pod -l app=echo --wait=false
check "ClusterIP after the backends were replaced" kc -n "$NS" exec client -- /agnhost connect --timeout=3s echo:80

[ "$fails" -eq 0 ] || die "$fails scenario(s) failed"
say "every scenario passed"
