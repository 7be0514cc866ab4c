#!/usr/bin/env bash
# Builds the Senda agent's image without a container daemon and without pulling a base image: a root
# file system assembled here from the build (jars), a jlink'ed Java runtime and the Debian packages'
# shared libraries the JVM and libbpf need, packed with umoci into an OCI archive.
#
#   deploy/image/build-oci.sh [OUTPUT]      default: target/senda-image-oci.tar (in the repository)
#
# Needs: the modules built (control-plane/target/lib and its jar: `./senda build` or `mvn package`),
# JAVA_HOME a JDK >= 22 with jlink, umoci, and a Debian (or derived) host, whose installed packages give
# the shared libraries. `./senda image` runs it with all of that in place.
#
# The image holds (paths as in Debian 12, /usr merged):
#   /opt/senda/jre    the Java runtime (jlink-runtime.sh: only the modules the agent uses)
#   /opt/senda/lib    the agent's jars; the BPF objects are resources of senda-bpf-*.jar
#   /opt/senda/agent-jvm.args   the agent's JVM options (deploy/agent-jvm.args), the entrypoint's @argfile
#   /var/lib/senda    the state directory (the DaemonSet mounts the host's): snapshot, class-data archive
#   /usr/lib/<triplet>/  glibc, libbpf.so.1 (loaded by the agent with System.load), libelf and zlib
#                     (libbpf's), libgcc_s (glibc loads it to unwind threads), each from the host's
#                     Debian package, whose copyright file goes to /usr/share/doc/<package>/
#   /etc              passwd, group and nsswitch.conf for root only
#   /opt/senda/IMAGE-CONTENTS   the packages and versions above, the runtime's modules
# No shell, no package manager, no CA bundle: the agent talks TLS to the API server with the service
# account's CA (fabric8 reads it from the pod's token mount) and Java's own trust store for the rest.
#
# Entrypoint, command and environment come from the Dockerfile next to this script, the image name
# and tag from deploy/daemonset.yaml, so the two builds and the DaemonSet cannot drift apart.
# Rerunning replaces the archive (written next to it, then renamed); temporary files are removed on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/target/senda-image-oci.tar}
app=${SENDA_AGENT_TARGET:-$root/control-plane/target}

say() { echo "build-oci: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ] || die "JAVA_HOME must name a JDK >= 22 with jlink"
command -v umoci >/dev/null || die "umoci is missing (apt-get install umoci)"
command -v ldd >/dev/null && command -v ldconfig >/dev/null || die "ldd and ldconfig are needed (libc-bin)"
agent_jar=$(compgen -G "$app/senda-control-plane-*.jar" | grep -v -- '-tests\.jar$' | awk 'NR == 1' || true)
[ -d "$app/lib" ] && [ -n "$agent_jar" ] || die "no built agent in $app (run ./senda build, or mvn package)"

# --- what the image is called and runs ----------------------------------------------------------------
image=$(sed -n 's/^ *image: *//p' "$root/deploy/daemonset.yaml" | awk 'NR == 1')
[[ "$image" == *:* ]] || die "deploy/daemonset.yaml names no image with a tag"
tag=${image##*:}
# The Dockerfile's last stage is the image; the earlier ones build.
runtime_stage=$(awk '/^FROM / {stage = ""} {stage = stage $0 "\n"} END {printf "%s", stage}' "$here/Dockerfile")
dockerfile_array() { # $1 = ENTRYPOINT or CMD: the exec-form JSON array's strings, one a line
    sed -n "s/^$1 *\[\(.*\)\] *\$/\1/p" <<<"$runtime_stage" | grep -o '"[^"]*"' | sed 's/^"//; s/"$//'
}
mapfile -t entrypoint < <(dockerfile_array ENTRYPOINT)
mapfile -t cmd < <(dockerfile_array CMD)
mapfile -t env < <(sed -n 's/^ENV \([A-Za-z_][A-Za-z0-9_]*=[^ ]*\)$/\1/p' <<<"$runtime_stage")
[ ${#entrypoint[@]} -gt 0 ] || die "no ENTRYPOINT [...] in $here/Dockerfile"

work=$(mktemp -d "${TMPDIR:-/tmp}/senda-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
triplet=$(uname -m)-linux-gnu

# --- file system layout of Debian 12 (merged /usr) -----------------------------------------------------
mkdir -p "$rootfs"/usr/{bin,sbin,lib/"$triplet",lib64} "$rootfs"/{etc,root,proc,sys,dev,run,var} \
    "$rootfs"/opt/senda/lib "$rootfs"/usr/share/doc
for d in bin sbin lib lib64; do ln -s "usr/$d" "$rootfs/$d"; done
install -d -m 1777 "$rootfs/tmp" # BundledObjects writes the BPF objects there for libbpf to open
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

# --- the agent and its runtime ---------------------------------------------------------------------------
cp "$app"/lib/*.jar "$agent_jar" "$rootfs/opt/senda/lib/"
cp "$root/deploy/agent-jvm.args" "$rootfs/opt/senda/" # the entrypoint's @argfile, as in the Dockerfile
mkdir -p "$rootfs/var/lib/senda" # the state directory, where the JVM writes the class-data archive
"$here/jlink-runtime.sh" "$JAVA_HOME" "$rootfs/opt/senda/lib" "$rootfs/opt/senda/jre"

# --- shared libraries: the closure of ldd over the runtime's ELF files, libbpf and libgcc_s -----------
# Under pipefail a reader that stops early fails the pipeline: its writer dies of SIGPIPE (exit 141) once
# its output outgrows the pipe's buffer, as ldconfig -p's does on a node with many libraries. So the
# readers here read to the end and keep the first match (awk 'NR == 1', no head, no exit).
host_lib() { # $1 = soname: its path in the host's ld.so cache
    ldconfig -p | awk -v l="$1" '!found && $1 == l && /x86-64|AArch64|64bit/ {print $NF; found = 1}'
}
libbpf=$(host_lib libbpf.so.1); [ -n "$libbpf" ] || die "libbpf.so.1 is not installed (apt-get install libbpf1)"
libgcc=$(host_lib libgcc_s.so.1); [ -n "$libgcc" ] || die "libgcc_s.so.1 is not installed"
mapfile -t elves < <(find "$rootfs/opt/senda/jre" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c \
    'head -c4 "$1" | grep -q ELF' _ {} \; -print)
mapfile -t libs < <(for f in "${elves[@]}" "$libbpf" "$libgcc"; do
    ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | grep -v "^$rootfs" | sort -u)
libs+=("$libbpf" "$libgcc")
packages=()
for lib in $(printf '%s\n' "${libs[@]}" | sort -u); do
    real=$(readlink -f "$lib")
    install -D -m "$(stat -c %a "$real")" "$real" "$rootfs$real"
    # the name ldd printed (a soname link, or the loader's /lib64 path) as a relative link, as Debian has it
    dir=$(readlink -f "$(dirname "$lib")")
    if [ "$dir/$(basename "$lib")" != "$real" ]; then
        mkdir -p "$rootfs$dir"
        ln -sfn "$(realpath --relative-to="$dir" "$real")" "$rootfs$dir/$(basename "$lib")"
    fi
    owner=$(dpkg-query -S "$lib" "$real" 2>/dev/null | awk 'NR == 1' || true) # "libc6:amd64: /lib/..."
    [ -n "$owner" ] || die "$lib is not from a Debian package: the image takes its libraries from Debian's"
    packages+=("${owner%%: *}")
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
for pkg in "${packages[@]}"; do
    copyright=/usr/share/doc/${pkg%%:*}/copyright # (a link into gcc-12-base/ for libgcc-s1)
    [ ! -e "$copyright" ] || install -D -m 0644 "$copyright" "$rootfs$copyright"
done
ldconfig -r "$rootfs" 2>/dev/null || say "ldconfig -r failed: the image's loader searches its default directories"
rm -rf "$rootfs/var/cache/ldconfig"
{
    echo "# Senda agent image: what is in it (written by deploy/image/build-oci.sh)"
    echo "java-runtime $("$rootfs/opt/senda/jre/bin/java" -version 2>&1 | awk 'NR == 1')"
    echo "java-modules $("$rootfs/opt/senda/jre/bin/java" --list-modules | sed 's/@.*//' | paste -sd, -)"
    dpkg-query -W -f 'debian-package ${Package} ${Version}\n' "${packages[@]}"
    (cd "$rootfs/opt/senda/lib" && ls -1 | sed 's/^/jar /')
} >"$rootfs/opt/senda/IMAGE-CONTENTS"

# --- the OCI image ----------------------------------------------------------------------------------------------
layout=$work/oci
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci insert --image "$layout:$tag" --history.created_by "deploy/image/build-oci.sh" "$rootfs" /
config=(--config.workingdir / --config.user 0:0 --author "Senda (deploy/image/build-oci.sh)"
    --config.label org.opencontainers.image.title=senda
    --config.label "org.opencontainers.image.description=Senda node agent (kube-proxy replacement)")
for e in "${entrypoint[@]}"; do config+=(--config.entrypoint "$e"); done
for c in "${cmd[@]}"; do config+=(--config.cmd "$c"); done
for e in "${env[@]}"; do config+=(--config.env "$e"); done
umoci config --image "$layout:$tag" "${config[@]}"
umoci gc --layout "$layout"

mkdir -p "$(dirname "$out")"
tar -C "$layout" -cf "$out.partial" .
mv -f "$out.partial" "$out"
say "$out: image $image, $(du -h "$out" | cut -f1) ($(du -sh "$rootfs" | cut -f1) unpacked)"
