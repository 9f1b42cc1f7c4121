#!/usr/bin/env bash
# A/B comparison for a noisy machine: ROUNDS rounds of one JMH fork per implementation, the order reversed every
# other round (A B, B A, ...), so that a drift or a mode flip of the machine (this 2-core VM's cross-core speed
# changes about 3x between forks) weighs on both sides alike. summarize-results.py then pairs the implementations
# round by round and prints the median of the per-round ratios.
# Usage: bench/run-interleaved.sh BENCHMARK IMPL,IMPL[,...] [rounds] [extra JMH options...]
#   e.g. bench/run-interleaved.sh RingThroughputBenchmark bastion-spsc,agrona-spsc 7 -p size=64
#   The implementations are values of the benchmark's @Param "impl"; PARAM=mode names another, e.g.
#   PARAM=mode bench/run-interleaved.sh ChannelThroughputBenchmark sealed,mac-only 5
# Placement: by default the scheduler places the two threads. Pin them with the benchmarks' cpus parameter,
#   producer CPU / consumer CPU: -p cpus=0/1 (different cores here), or two hyperthreads of one core on a host
#   that has them (see /sys/devices/system/cpu/cpu0/topology/thread_siblings_list). Each fork logs its placement
#   and its core-to-core probe, taken on the same two CPUs.
# Needs bench/target/benchmarks.jar (mvn -B verify, or mvn -B package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")"
benchmark=${1:?benchmark regex}
impls=${2:?comma-separated implementations}
rounds=${3:-7}
shift 3 || shift $#
param=${PARAM:-impl}
# Agrona needs jdk.internal.misc; the HMAC restarts the JDK's SHA-256 through sun.security.provider.
opens=(--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED)
reversed=$(echo "$impls" | tr ',' '\n' | tac | paste -sd, -)
out="target/results/interleaved-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
    order=$impls
    if (( round % 2 == 0 )); then order=$reversed; fi
    for impl in ${order//,/ }; do
        java "${opens[@]}" -jar target/benchmarks.jar "$benchmark" -p "$param=$impl" \
            -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -jvmArgsAppend "${opens[*]}" \
            -rf json -rff "$out/round-$(printf %02d "$round")-$impl.json" "$@" > "$out/round-$(printf %02d "$round")-$impl.txt"
    done
    echo "round $round of $rounds done" >&2
done
python3 summarize-results.py "$out"/round-*.json | tee "$out/summary.txt"
