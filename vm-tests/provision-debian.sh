#!/usr/bin/env bash
# Prerequisites of `./senda test` on a fresh Debian 12 VM (used by vagrant/Vagrantfile
# and lima/senda.yaml; not run by CI). Needs root and internet access: installs a Temurin 25 JDK from
# Adoptium's apt repository (Debian 12 has no JDK >= 22) and the OS packages `./senda test` would
# install itself, so the first test run does not wait for apt.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "provision: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends ca-certificates curl gnupg apt-transport-https
if ! ls -d /usr/lib/jvm/temurin-25-jdk-* >/dev/null 2>&1; then
    install -d -m 0755 /etc/apt/keyrings
    curl -fsSL https://packages.adoptium.net/artifactory/api/gpg/key/public | gpg --dearmor -o /etc/apt/keyrings/adoptium.gpg
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    echo "deb [signed-by=/etc/apt/keyrings/adoptium.gpg] https://packages.adoptium.net/artifactory/deb $codename main" \
        > /etc/apt/sources.list.d/adoptium.list
    apt-get update -q
    apt-get install -y -q --no-install-recommends temurin-25-jdk
fi
apt-get install -y -q --no-install-recommends clang-16 llvm-16 libbpf-dev libbpf1 bpftool iproute2 util-linux socat \
    make maven containernetworking-plugins nginx dnsmasq-base bind9-dnsutils openssl curl
# The tests need cgroup v2 and bpffs; both are the default on Debian 12.
[ -f /sys/fs/cgroup/cgroup.controllers ] || echo "provision: warning: no cgroup v2 at /sys/fs/cgroup" >&2
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
