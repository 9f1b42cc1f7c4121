#!/usr/bin/env bash
# Before/after comparison of two builds of the benchmarks on a noisy machine: ROUNDS rounds of one JMH fork per
# build, the order reversed every other round (base new, new base, ...), so a drift or a mode flip of the machine
# weighs on both builds alike. summarize-ab.py then prints, per implementation, each round's ratio new/base and
# their median: the figure to quote. Within each fork the anchors (Agrona) run too, so the Bastion/Agrona ratio of
# each build is printed beside it.
# Usage: bench/run-ab.sh BASE_JAR NEW_JAR BENCHMARK [rounds] [extra JMH options...]
#   e.g. bench/run-ab.sh /tmp/base/bench/target/benchmarks.jar bench/target/benchmarks.jar \
#            RingThroughputBenchmark 4 -p size=64 -p impl=bastion-spsc,agrona-spsc -p cpus=0/1
# Build the base jar from a clone at the base commit (mvn -B package -DskipTests -pl bench -am).
set -euo pipefail
base=$(realpath "${1:?base benchmarks.jar}")
new=$(realpath "${2:?new benchmarks.jar}")
benchmark=${3:?benchmark regex}
rounds=${4:-4}
shift 4 || shift $#
cd "$(dirname "$0")"
# Agrona needs jdk.internal.misc; the HMAC restarts the JDK's SHA-256 through sun.security.provider.
opens=(--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED)
out="target/results/ab-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
    order="base new"
    if (( round % 2 == 0 )); then order="new base"; fi
    for label in $order; do
        jar=$base
        if [ "$label" = new ]; then jar=$new; fi
        name="$out/round-$(printf %02d "$round")-$label"
        java "${opens[@]}" -jar "$jar" "$benchmark" -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -jvmArgsAppend "${opens[*]}" \
            -rf json -rff "$name.json" "$@" > "$name.txt"
    done
    echo "round $round of $rounds done" >&2
done
python3 summarize-ab.py "$out" | tee "$out/summary.txt"
