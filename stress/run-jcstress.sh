#!/usr/bin/env bash
# Runs the shaded jcstress jar and fails when any test fails or when no test ran at all:
# jcstress exits 0 when it skips every test (a 2-core machine skips three-actor tests).
# Usage: run-jcstress.sh JAVA JAR MODE TEST_REGEX [extra jcstress options...]
set -euo pipefail
java=$1 jar=$2 mode=$3 regex=$4
shift 4
log=jcstress-output.txt
set +e
"$java" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.security.provider=ALL-UNNAMED \
    -jar "$jar" -m "$mode" -t "$regex" -r jcstress-results \
    -jvmArgsPrepend "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED" \
    "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
    echo "jcstress failed with exit code $rc" >&2
    exit "$rc"
fi
summary=$(grep -E 'Results: [0-9]+ planned' "$log" | tail -n 1)
passed=$(sed -n 's/.* \([0-9]\+\) passed.*/\1/p' <<<"$summary")
failed=$(sed -n 's/.* \([0-9]\+\) failed.*/\1/p' <<<"$summary")
hard=$(sed -n 's/.* \([0-9]\+\) hard errs.*/\1/p' <<<"$summary")
# A test that saw an ACCEPTABLE_INTERESTING outcome is listed apart from "all remaining": count both.
remaining=$(sed -n 's/.*All remaining tests: \([0-9]\+\) matching test results.*/\1/p' "$log" | tail -n 1)
interesting=$(sed -n 's/.*Interesting tests: \([0-9]\+\) matching test results.*/\1/p' "$log" | tail -n 1)
tests=$(( ${remaining:-0} + ${interesting:-0} ))
if [ -z "$passed" ] || [ "$passed" -eq 0 ] || [ "$tests" -eq 0 ]; then
    echo "jcstress ran no test (regex '$regex'): failing the build" >&2
    exit 1
fi
if [ "${failed:-1}" -ne 0 ] || [ "${hard:-1}" -ne 0 ] || ! grep -q 'Failed tests: No matches.' "$log" \
    || ! grep -q 'Error tests: No matches.' "$log"; then
    echo "jcstress: failures or errors (failed=${failed:-?}, hard errors=${hard:-?}); see $log" >&2
    exit 1
fi
echo "jcstress ran $tests tests in $passed configurations"
echo "jcstress: $tests passed (${interesting:-0} of them with an acceptable interesting outcome), 0 failed"
