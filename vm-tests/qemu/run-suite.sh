#!/usr/bin/env bash
# Runs Senda's privileged test suites inside QEMU on one of Debian's stock kernels
# (testing layer 5: "the same suites inside QEMU on Debian's stock kernel").
#
#   vm-tests/qemu/run-suite.sh [KERNEL_VERSION] [--datapath | CONSOLE_LAUNCHER_ARGS...]
#
# KERNEL_VERSION is a Debian kernel ABI such as 6.1.0-56 or 6.1.0-56-amd64; default: the one
# the linux-image-amd64 metapackage of this machine's apt sources points at. `--datapath` runs the
# focused selection `./senda test` runs (DATAPATH_SELECTION below). Any other arguments replace the
# default test selection and go to JUnit's ConsoleLauncher, e.g.
# `--select-class dev.senda.datapath.SockLbTest`.
#
# Exit status: 0 passed; 77 skipped because this machine cannot run it at all (not x86_64, no
# qemu-system-x86_64 installable, no Debian kernel package reachable), after a line
# "vm-test: skipped: <reason>"; anything else failed.
#
# It first compiles what the suites need (`mvn -pl vm-tests -am test-compile`, incremental; nothing
# is installed into ~/.m2) and takes the class path from that same Maven run, so a fresh clone
# needs no build before it. The VM has no Maven. The host's / is shared read-only over 9p and the
# VM chroots into it, so the suites run with the host's JDK, libbpf, ip and tc, but on the guest
# kernel.
# Needs root (QEMU's 9p server must read everything; the tests need root in the guest anyway).
#
# Environment: SENDA_VM_TIMEOUT (seconds, default 1500), SENDA_VM_MEMORY (default 4G),
# SENDA_VM_CPUS (default 2), JAVA_HOME (a JDK >= 22; default Temurin 25).
#
# Kept afterwards under vm-tests/target/qemu/: kernels/<abi>/ (the extracted kernel, reused)
# and logs/<abi>-<time>/ (console.log and JUnit XML). Everything else is removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="$ROOT/vm-tests/target/qemu"
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
TIMEOUT=${SENDA_VM_TIMEOUT:-1500}
MEMORY=${SENDA_VM_MEMORY:-4G}
CPUS=${SENDA_VM_CPUS:-2}
# Modules the suites need that Debian builds as modules; their dependencies are added
# automatically (from each .ko's modinfo "depends"), built-in ones are skipped. A soft dependency is
# not: libcrc32c (sctp's dependency) needs a crc32c implementation loaded first, and crc32c-intel
# needs SSE4.2, which TCG's default CPU lacks, so crc32c_generic comes before sctp.
# (udp_diag: sock_diag of UDP sockets, how kernels without bpf_sock_destroy close stale ones; the
# initramfs has no modprobe for the kernel's on-demand loading.)
MODULES=(virtio_pci 9pnet_virtio 9p veth sch_ingress cls_bpf udp_diag crc32c_generic sctp)
# Modules whose test classes go on the class path (their test dependencies too); maps' come with
# vm-tests' (a test-jar dependency).
SUITE_MODULES=(vm-tests control-plane)
# Default selection: every @Tag("privileged") test of packages dev.senda.datapath and dev.senda.maps
# in the test classes of vm-tests, control-plane and maps, plus the end-to-end tests that need a
# kernel feature the development host lacks (SctpPerPacketE2eTest, NetpolSctpE2eTest, tag sctp-kernel: Maven's
# surefire leaves them out). Class name patterns instead of --include-package, since packages and
# tags are ANDed: the first pattern is JUnit's default one within those two packages.
DEFAULT_SELECTION=(--scan-classpath "@TESTS:vm-tests@" --scan-classpath "@TESTS:control-plane@"
    --scan-classpath "@TESTS:maps@"
    --include-classname '^dev\.senda\.(datapath|maps)\.(.*[.$]Test.*|.*Tests?)$'
    --include-classname '^dev\.senda\.e2e\.SctpPerPacketE2eTest$'
    --include-classname '^dev\.senda\.e2e\.NetpolSctpE2eTest$'
    --include-tag privileged)
# The focused selection `./senda test` runs on every change (--datapath): the privileged datapath
# suites (packet cases through BPF_PROG_TEST_RUN, socket LB, the real loader's clsact fallback and
# cleanup: package dev.senda.datapath of vm-tests and control-plane), the feature probes
# (FeatureProbePrivilegedTest) and the tcx refusal / clsact attachment (libbpf.LinkPrivilegedTest), which
# is what differs on 6.1. The end-to-end tests are left out: their agents' JVMs make them minutes
# long each under TCG. So is SockLbTest, which starts a probe JVM per case: under TCG such JVMs crashed
# twice in a row (SIGSEGV in JIT-compiled code, exit 134) after passing the run before; it still runs on
# the host kernel in mvn verify and here in the default selection (./senda vm-test), until understood.
DATAPATH_SELECTION=(--scan-classpath "@TESTS:vm-tests@" --scan-classpath "@TESTS:control-plane@"
    --scan-classpath "@TESTS:maps@"
    --include-classname '^dev\.senda\.datapath\.(.*[.$]Test.*|.*Tests?)$'
    --include-classname '^dev\.senda\.maps\.features\.FeatureProbePrivilegedTest$'
    --include-classname '^dev\.senda\.maps\.libbpf\.LinkPrivilegedTest$'
    --exclude-classname '^dev\.senda\.datapath\.SockLbTest$'
    --include-tag privileged)

say() { echo "vm-test: $*" >&2; }
die() { say "error: $*"; exit 1; }
# This machine cannot run the suites at all: not a failure of what is tested, but never silent.
skip() { say "skipped: $*"; exit 77; }

[ "$(uname -m)" = x86_64 ] || skip "not an x86_64 machine ($(uname -m)): the guest is Debian's amd64 kernel"

[ "$(id -u)" -eq 0 ] || die "run as root (QEMU shares the host's / over 9p; the suites need root in the guest)"
[ -x "$JDK/bin/java" ] || die "no JDK at $JDK (set JAVA_HOME to a JDK >= 22)"

# --- state removed on every exit (the QEMU process is ours: killed by its PID) -------------
RUN="" QEMU_PID="" TAIL_PID=""
stop_qemu() { # SIGTERM, up to 10 s, then SIGKILL
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill "$QEMU_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$QEMU_PID" 2>/dev/null || true
        wait "$QEMU_PID" 2>/dev/null || true
    fi
    QEMU_PID=""
}
cleanup() {
    stop_qemu
    [ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null || true
    # (an if, not `[ ] &&`: under set -e a false last test here would turn a skip's exit 77 into 1)
    if [ -n "$RUN" ]; then rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- host packages (only this script needs them, so the launcher does not install them) ------
missing=()
for p in qemu-system-x86 busybox-static socat; do # socat: the e2e tests' SCTP (and TCP session) clients
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *'ok installed'* ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} with apt"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
        || say "apt-get install ${missing[*]} failed"
fi
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64, and apt could not install qemu-system-x86"
[ -x /bin/busybox ] || skip "no /bin/busybox, and apt could not install busybox-static"
command -v socat >/dev/null || skip "no socat, and apt could not install it"
BUSYBOX=/bin/busybox # from busybox-static: it must run with no libraries in the initramfs

# --- (a) the kernel: apt-get download + dpkg-deb -x, cached per ABI --------------------------
KVER=""
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then KVER=$1; shift; fi
SELECTION=()
if [ "${1:-}" = --datapath ]; then shift; SELECTION=("${DATAPATH_SELECTION[@]}"); fi
if [ -z "$KVER" ]; then
    KVER=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-//p' | awk 'NR == 1')
    if [ -z "$KVER" ]; then
        apt-get update -q >&2 || true
        KVER=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-//p' | awk 'NR == 1')
    fi
    [ -n "$KVER" ] || skip "apt knows no linux-image-amd64, even after apt-get update (no Debian kernel package reachable; or pass a KERNEL_VERSION like 6.1.0-56)"
fi
KVER=${KVER#linux-image-}
[[ "$KVER" == *-amd64 ]] || KVER="$KVER-amd64"
KDIR="$CACHE/kernels/$KVER"

mkdir -p "$CACHE/kernels"
if [ ! -f "$KDIR/vmlinuz" ]; then
    (
        flock 9 # two runs at once must not extract into the same directory
        [ -f "$KDIR/vmlinuz" ] && exit 0
        say "fetching linux-image-$KVER with apt-get download"
        dl=$(mktemp -d "$CACHE/kernels/.download.XXXXXX")
        trap 'rm -rf "$dl"' EXIT
        get() { (cd "$dl" && apt-get -q -o APT::Sandbox::User=root download "linux-image-$KVER") >&2; }
        # exit 77 from this subshell: the package is not reachable (a skip, see below)
        get || { apt-get update -q >&2 && get; } || { say "apt-get download linux-image-$KVER failed (see apt-cache search linux-image-6.1)"; exit 77; }
        dpkg-deb -x "$dl"/linux-image-*.deb "$dl/root"
        # keep only what a run uses: the kernel, the module tree and the list of built-in modules
        mkdir -p "$dl/keep"
        mv "$dl/root/boot/vmlinuz-$KVER" "$dl/keep/vmlinuz"
        mv "$dl/root/lib/modules/$KVER/kernel" "$dl/keep/kernel"
        mv "$dl/root/lib/modules/$KVER/modules.builtin" "$dl/keep/modules.builtin"
        rm -rf "$KDIR" && mv "$dl/keep" "$KDIR"
    ) 9>"$CACHE/kernels/.lock" || { rc=$?; [ $rc -eq 77 ] && skip "Debian's linux-image-$KVER cannot be downloaded"; exit $rc; }
fi
[ -f "$KDIR/vmlinuz" ] || die "kernel $KVER was not extracted"

# --- the project's class path, from the Maven reactor (no Maven in the VM, no `mvn install`) ---
# One Maven run over vm-tests and the modules it needs (-am): test-compile brings their classes
# up to date (incremental: a few seconds on a built tree), and dependency:build-classpath in the
# same run resolves Senda's own modules to their target/classes and target/test-classes (Maven's
# reactor does that only within one run; a separate run would look for them in ~/.m2, where
# nothing is installed) and everything else to jars in ~/.m2. Every module of the run writes its
# own list; those of SUITE_MODULES are merged. JUnit comes from the console launcher's standalone
# jar instead (one copy of the engine).
mkdir -p "$CACHE/logs"
RUN=$(mktemp -d "$CACHE/run.XXXXXX")
LOGDIR="$CACHE/logs/$KVER-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN/out" "$RUN/cp" # (LOGDIR is made when QEMU starts: a failed build leaves none)

# (Maven on Java 25 prints Unsafe deprecation warnings about its own libraries, and the bpf
# module's make prints its commands: dropped)
mvn_() {
    (cd "$ROOT" && JAVA_HOME="$JDK" mvn -B -q "$@" 2>&1 \
        | { sed 's/\x1b\[[0-9;]*m//g' | grep -vE '^(WARNING:|make(\[[0-9]+\])?: (Entering|Leaving) directory|(cp|rm|mkdir) |/usr/bin/clang|$)' >&2 || true; })
}
# Offline first; online only when something was missing from ~/.m2 (not after a compile error).
mvn_offline_first() {
    local log="$RUN/mvn.log"
    if mvn_ -o "$@" 2>"$log"; then cat "$log" >&2; return 0; fi
    cat "$log" >&2
    grep -qE 'offline mode|Could not resolve|could not be resolved|Could not find artifact' "$log" || return 1
    say "not everything is in ~/.m2: retrying online"
    mvn_ "$@"
}
# A ./senda build in the same tree must not write the same target directories meanwhile.
mkdir -p "$ROOT/control-plane/target"
exec 8>"$ROOT/control-plane/target/.senda-build-lock"
flock 8
say "compiling vm-tests and the modules it needs (mvn test-compile, nothing installed); resolving its class path"
mvn_offline_first -pl vm-tests -am test-compile dependency:build-classpath -DincludeScope=test \
    "-Dmdep.outputFile=$RUN/cp/\${project.artifactId}.txt" \
    -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian \
    || die "could not compile vm-tests and the modules it needs, or resolve its class path, with Maven"
for m in "${SUITE_MODULES[@]}"; do
    [ -s "$RUN/cp/senda-$m.txt" ] || die "Maven wrote no class path for $m ($RUN/cp/senda-$m.txt)"
done
junit=$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' "$ROOT/pom.xml")
[ -n "$junit" ] || die "no <junit.version>5.x</junit.version> in $ROOT/pom.xml"
launcher="$CACHE/junit/junit-platform-console-standalone-$junit.jar"
if [ ! -f "$launcher" ]; then
    mvn_offline_first -N dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit" \
        -DoutputDirectory="$CACHE/junit" || die "could not fetch junit-platform-console-standalone $junit"
fi
# A snapshot of the modules' classes: a concurrent build on the host must not change them
# mid-run. Entries inside this tree (target/classes, target/test-classes) are copied into the
# run's directory; jars from ~/.m2 are used where they are.
C="$RUN/classes"
snapshot() { # $1: a directory of this tree; prints its copy's path
    local rel=${1#"$ROOT"/}
    mkdir -p "$C/$(dirname "$rel")" && cp -a "$1" "$C/$rel" && echo "$C/$rel"
}
# The suite modules' test classes, then the union of their class paths in Maven's order.
CP="" seen=":"
add() { [[ "$seen" == *":$1:"* ]] && return 0; seen="$seen$1:"; CP="${CP:+$CP:}$1"; }
for m in "${SUITE_MODULES[@]}"; do
    [ -d "$ROOT/$m/target/test-classes" ] || die "no $m/target/test-classes after test-compile"
    add "$ROOT/$m/target/test-classes"
    [ -d "$ROOT/$m/target/classes" ] && add "$ROOT/$m/target/classes"
done
for m in "${SUITE_MODULES[@]}"; do
    entries=()
    IFS=: read -r -a entries <"$RUN/cp/senda-$m.txt" || [ ${#entries[@]} -gt 0 ] # (no final newline)
    for e in "${entries[@]}"; do add "$e"; done
done
# Entries inside this tree are directories here (a jar would be stale: nothing is installed).
IFS=: read -r -a entries <<<"$CP"
CP=""
for e in "${entries[@]}"; do
    if [[ "$e" == "$ROOT"/* ]]; then
        [ -d "$e" ] || die "the class path names $e, which is not a directory (a module's jar instead of its classes?)"
        e=$(snapshot "$e")
    fi
    CP="${CP:+$CP:}$e"
done
CP="$CP:$launcher"
flock -u 8
exec 8>&-
for d in maps/target/test-classes bpf/target/classes; do # what the default selection and the suites need
    [ -d "$C/$d" ] || die "$d is not on the suites' class path"
done
if [ $# -gt 0 ]; then SELECTION+=("$@"); elif [ ${#SELECTION[@]} -eq 0 ]; then SELECTION=("${DEFAULT_SELECTION[@]}"); fi
for m in vm-tests control-plane maps; do
    SELECTION=("${SELECTION[@]/@TESTS:$m@/$C/$m/target/test-classes}")
done

# --- (d) what runs inside the VM, chrooted into the host's / --------------------------------
{
    echo '#!/bin/bash'
    echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8'
    # the working directory is the writable share: files tests keep (e.g. target/e2e logs) come back
    echo "cd $(printf %q "$RUN/out")"
    # C1 only: under TCG the JVM's start-up dominates and full JIT compiles cost more than they win
    # (the e2e tests' agents get 300 s to answer /healthz instead of 90: their JVMs start slowly under TCG)
    printf '%q ' "$JDK/bin/java" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
        -Dsenda.e2e.agentReadySeconds=300 \
        -cp "$CP" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree \
        --details-theme=ascii --disable-ansi-colors --include-engine=junit-jupiter --fail-if-no-tests --reports-dir="$RUN/out/reports" "${SELECTION[@]}"
    echo
    echo 'rc=$?'
    echo "echo \$rc > $(printf %q "$RUN/out/rc")"
    echo 'exit $rc'
} >"$RUN/inside.sh"

# --- (b) the initramfs: static busybox, the modules in load order, /init --------------------
INITRD="$RUN/initramfs"
mkdir -p "$INITRD"/{bin,dev,proc,sys,host,mods}
cp "$BUSYBOX" "$INITRD/bin/busybox"
declare -A KO=() LOADED=()
while IFS= read -r f; do n=${f##*/}; n=${n%%.ko*}; KO[${n//-/_}]=$f; done \
    < <(find "$KDIR/kernel" -name '*.ko*')
add_module() { # $1: module name; appends it (after its dependencies) to mods/order
    local m=${1//-/_} f deps d
    [ -n "${LOADED[$m]:-}" ] && return 0
    LOADED[$m]=1
    if [ -z "${KO[$m]:-}" ]; then
        grep -qE "/${m//_/[-_]}\.ko$" "$KDIR/modules.builtin" && return 0
        die "kernel $KVER has no module $m (neither loadable nor built in)"
    fi
    f=${KO[$m]}
    case "$f" in
        *.ko.xz) xz -dc "$f" >"$INITRD/mods/$m.ko" ;;
        *.ko.zst) zstd -qdc "$f" >"$INITRD/mods/$m.ko" ;;
        *) cp "$f" "$INITRD/mods/$m.ko" ;;
    esac
    # dependencies from the module's own .modinfo ("depends=a,b"); the .ko may be compressed
    deps=$(case "$f" in *.xz) xz -dc "$f" ;; *.zst) zstd -qdc "$f" ;; *) cat "$f" ;; esac \
        | tr '\0' '\n' | sed -n 's/^depends=//p' | awk 'NR == 1')
    for d in ${deps//,/ }; do add_module "$d"; done
    echo "$m" >>"$INITRD/mods/order"
}
: >"$INITRD/mods/order"
for m in "${MODULES[@]}"; do add_module "$m"; done

cat >"$INITRD/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
stop() { echo "vm-test: \$*"; sync; poweroff -f; sleep 10; }
while read -r m; do insmod /mods/\$m.ko || stop "insmod \$m failed"; done < /mods/order
# the host's / (read-only), page-cached: it does not change during the run (classes are a snapshot)
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /host || stop "9p mount of / failed"
mount -t proc proc /host/proc && mount -t sysfs sys /host/sys && mount -t devtmpfs dev /host/dev \\
  && mount -t tmpfs tmp /host/tmp && mount -t tmpfs run /host/run \\
  && mount -t bpf bpf /host/sys/fs/bpf && mount -t cgroup2 cgroup2 /host/sys/fs/cgroup \\
  && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out "/host$RUN/out" || stop "mounts failed"
ip link set lo up
echo "vm-test: kernel \$(uname -r), userspace after \$(cut -d' ' -f1 /proc/uptime) s"
setsid cttyhack chroot /host /bin/bash "$RUN/inside.sh" # a controlling tty: JUnit asks stty for the width
echo "vm-test: suites exited with \$? after \$(cut -d' ' -f1 /proc/uptime) s"
umount "/host$RUN/out"
stop "powering off"
EOF
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1) >"$RUN/initramfs.cpio.gz"

# --- (c) boot: TCG here (KVM where /dev/kvm exists), serial console to a log file -----------
mkdir -p "$LOGDIR"
say "kernel $KVER, modules: $(tr '\n' ' ' <"$INITRD/mods/order")"
say "booting QEMU (timeout ${TIMEOUT}s); console log: $LOGDIR/console.log"
accel=(-accel tcg)
[ -w /dev/kvm ] && accel=(-accel kvm -cpu host)
start=$(date +%s)
# no_timer_check: under TCG on a busy host the guest's early check of the IO-APIC timer can miss its
# ticks and panic ("IO-APIC + timer doesn't work"); the check proves nothing about what we test.
qemu-system-x86_64 "${accel[@]}" -m "$MEMORY" -smp "$CPUS" -nographic -no-reboot -nic none -monitor none \
    -serial "file:$LOGDIR/console.log" \
    -kernel "$KDIR/vmlinuz" -initrd "$RUN/initramfs.cpio.gz" \
    -append "console=ttyS0 rdinit=/init panic=-1 loglevel=4 no_timer_check" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$RUN/out,mount_tag=out,security_model=none" \
    </dev/null >"$LOGDIR/qemu.log" 2>&1 &
QEMU_PID=$!
for _ in $(seq 100); do [ -f "$LOGDIR/console.log" ] && break; sleep 0.1; done
tail -n +1 -f --pid="$QEMU_PID" "$LOGDIR/console.log" &
TAIL_PID=$!

# --- (e) wait, bounded; then the verdict -----------------------------------------------------
timed_out=0
while kill -0 "$QEMU_PID" 2>/dev/null; do
    if [ $(($(date +%s) - start)) -ge "$TIMEOUT" ]; then timed_out=1; break; fi
    sleep 1
done
if [ "$timed_out" -eq 1 ]; then
    stop_qemu
else
    wait "$QEMU_PID" || say "QEMU exited with $?: $(tail -n 3 "$LOGDIR/qemu.log")"
    QEMU_PID=""
fi
sleep 0.5 # let tail print the last lines
elapsed=$(($(date +%s) - start))
cp -r "$RUN/out/." "$LOGDIR/" 2>/dev/null || true # JUnit XML (reports/), files tests kept (target/)

echo >&2
say "kernel $KVER, ${elapsed}s wall clock; logs and JUnit XML in $LOGDIR"
grep -aE '^\[ +[0-9]+ tests (found|successful|failed|aborted|skipped) +\]' "$LOGDIR/console.log" >&2 || true
if [ "$timed_out" -eq 1 ]; then
    die "timed out after ${TIMEOUT}s (QEMU killed)"
fi
[ -f "$RUN/out/rc" ] || die "the suites did not finish (no exit code came back from the VM; see the console log)"
rc=$(cat "$RUN/out/rc")
# a skipped privileged test proved nothing: it fails the run, like ./senda test
skipped=$(grep -aE '^\[ +[0-9]+ tests skipped +\]' "$LOGDIR/console.log" | grep -oE '[0-9]+' | awk 'NR == 1' || true)
if [ "$rc" -eq 0 ] && [ "${skipped:-0}" -ne 0 ]; then die "$skipped tests were skipped"; fi
[ "$rc" -eq 0 ] || die "JUnit exited with $rc"
say "passed"
