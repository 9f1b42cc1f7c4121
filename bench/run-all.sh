#!/usr/bin/env bash
# Every measurement in one folder: every JMH benchmark (3 forks, GC profiler, JSON results) and then the full
# cross-process latency suite (bench-latency: bastion-sealed, bastion-plain, agrona, aeron-ipc; 64, 256 and 1,024
# bytes; flat out, 10k/s and 100k/s; 10 s a run), with the machine's facts and core-to-core round trip in its JSON.
# Takes well over an hour: run it on a machine with nothing else busy.
# Usage: bench/run-all.sh [OUT_DIR] [extra latency suite options...]
#   OUT_DIR defaults to bench/target/results/all-<UTC time>; it gets jmh.json, jmh.txt and latency/ (the suite's
#   report: summary.json, one .hgrm per run, latency.svg), and is created 0700.
#   e.g. bench/run-all.sh /tmp/run --pin-cpus 0,1 --rounds 2 (each case between two core-to-core probes; rounds
#   repeat the cases, every other one reversed, so cases that ran with the same placement can be compared)
# Needs bench/target/benchmarks.jar (mvn -B package -DskipTests -pl bench -am), which holds the suite too.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-target/results/all-$(date -u +%Y%m%dT%H%M%SZ)}
shift || true
jar=target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-all: $jar is missing: mvn -B package -DskipTests -pl bench -am" >&2; exit 1; }
# Agrona needs jdk.internal.misc; the HMAC restarts the JDK's SHA-256 through sun.security.provider.
opens=(--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED)
native="--enable-native-access=ALL-UNNAMED"
(umask 077 && mkdir -p "$out")
chmod 700 "$out"
echo "run-all: results in $out" >&2
java "${opens[@]}" -jar "$jar" 'io\.bastion\.bench\..*' \
    -f 3 -wi 3 -w 1s -i 5 -r 1s -prof gc \
    -rf json -rff "$out/jmh.json" \
    -jvmArgsAppend "${opens[*]}" | tee "$out/jmh.txt"
java "${opens[@]}" "$native" -cp "$jar" io.bastion.bench.latency.LatencySuite --report "$out/latency" "$@" \
    | tee "$out/latency.txt"
echo "run-all: done; JMH in $out/jmh.json, latency in $out/latency/summary.json" >&2
