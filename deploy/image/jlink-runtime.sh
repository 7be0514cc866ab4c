#!/usr/bin/env bash
# Links the Java runtime of the agent's image: the modules jdeps finds in the agent and its libraries,
# and nothing else (a full JDK is about 300 MB, this runtime about 50 MB). Both image builds use it:
# the Dockerfile's build stage and build-oci.sh.
#
#   jlink-runtime.sh JDK APP_DIR OUT
#     JDK      a JDK >= 22 whose jlink can link from its own run-time image (JEP 493, as Temurin 25
#              does) or that ships jmods/
#     APP_DIR  the agent's jars: the control plane's jar and its runtime dependencies
#     OUT      the runtime directory to create (replaced if it exists)
set -euo pipefail

jdk=${1:?usage: jlink-runtime.sh JDK APP_DIR OUT}
app=${2:?usage: jlink-runtime.sh JDK APP_DIR OUT}
out=${3:?usage: jlink-runtime.sh JDK APP_DIR OUT}

# Modules jdeps names that the agent reaches only through code it never runs. java.desktop: java.beans,
# used by Jackson's @ConstructorProperties support (loaded reflectively, optional) and SnakeYAML's
# JavaBean mapping (the agent only parses YAML through Jackson); linking it would add AWT and make the
# image carry X11 libraries. The image test (ContainerImageE2eTest) runs the agent on this runtime.
UNUSED_MODULES=java.desktop

# --multi-release: some jars (Jackson, fabric8) carry classes per Java version; analyse the runtime's.
release=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release "$release" \
    --class-path "$app/*" "$app"/*.jar 2>/dev/null | tail -1)
[[ "$modules" =~ ^[a-z.,]+$ ]] || { echo "jlink-runtime: jdeps printed no module list (got '$modules')" >&2; exit 1; }
modules=$(tr ',' '\n' <<<"$modules" | grep -vxF -f <(tr ',' '\n' <<<"$UNUSED_MODULES") | paste -sd, -)

rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$out"
# The runtime's own class-data archive of the JDK's classes (a JDK has one, a linked runtime only when
# made), which the JVM maps at start instead of loading those classes, and on which the agent's archive
# of its own classes builds (-XX:+AutoCreateSharedArchive needs it). Dumped with the options of
# deploy/agent-jvm.args that shape it: compact object headers (their archive is classes_coh.jsa) and
# native access (an archive dumped without it loses its module graph when the agent runs with it).
# Only this one: the entrypoint always runs java with those options.
"$out/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseCompactObjectHeaders -Xshare:dump -Xlog:cds=off >/dev/null
echo "jlink-runtime: $out with $modules" >&2
