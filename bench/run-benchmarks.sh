#!/usr/bin/env bash
# Real JMH runs of every Bastion benchmark beside its anchors, with the GC profiler, 3 forks each
# (a 2-core VM's cross-core speed changes between forks: compare medians, not one mean).
# Usage: bench/run-benchmarks.sh [benchmark regex] [extra JMH options...]
# Needs bench/target/benchmarks.jar (mvn -B verify, or mvn -B package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")"
include=${1:-'io\.bastion\.bench\..*'}
shift || true
# Agrona needs jdk.internal.misc; the HMAC restarts the JDK's SHA-256 through sun.security.provider.
opens=(--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED)
mkdir -p target/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
java "${opens[@]}" -jar target/benchmarks.jar "$include" \
    -f 3 -wi 3 -w 1s -i 5 -r 1s -prof gc \
    -rf json -rff "target/results/jmh-$stamp.json" \
    -jvmArgsAppend "${opens[*]}" "$@" | tee "target/results/jmh-$stamp.txt"
