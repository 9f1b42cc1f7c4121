#!/usr/bin/env bash
# Runs the shaded jcstress jar and fails when any test fails or when no test ran at all:
# jcstress exits 0 when it skips every test (a 2-core machine skips three-actor tests).
# Usage: run-jcstress.sh JAVA JAR MODE TEST_REGEX [extra jcstress options...]
set -euo pipefail
java=$1 jar=$2 mode=$3 tests=$4
shift 4
log=jcstress-output.txt
set +e
"$java" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -jar "$jar" \
    -m "$mode" -t "$tests" -r jcstress-results \
    -jvmArgsPrepend "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
    echo "jcstress failed with exit code $rc" >&2
    exit "$rc"
fi
passed=$(sed -n 's/.*Passed: \([0-9]\+\).*/\1/p' "$log" | tail -n 1)
failed=$(sed -n 's/.*Failed: \([0-9]\+\).*/\1/p' "$log" | tail -n 1)
if [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
    echo "jcstress ran no test (regex '$tests'): failing the build" >&2
    exit 1
fi
if [ -n "$failed" ] && [ "$failed" -ne 0 ]; then
    echo "jcstress: $failed test(s) failed" >&2
    exit 1
fi
echo "jcstress: $passed passed, 0 failed"
