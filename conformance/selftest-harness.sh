#!/usr/bin/env bash
# selftest-harness.sh RUN-SUITE-ARGS...: ctest e2e_selftest_harness. Runs the suite selftest-fail (one
# test passes, one fails, one crashes dom0) and checks that run-suite notices all of it: it must exit
# non-zero, name the failing test, report the crash and not wait for its timeout.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s)
"$HERE/run-suite" --suite selftest-fail --timeout 900 "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
took=$(($(date +%s) - start))
bad=0
check() { if grep -qE "$1" "$out"; then echo "selftest: ok: $2"; else echo "selftest: NOT OK: $2"; bad=1; fi; }
[ "$rc" != 0 ] && echo "selftest: ok: run-suite exited $rc" || { echo "selftest: NOT OK: run-suite exited 0"; bad=1; }
check '^PASS +selftest-fail/01-passes' "the passing test is reported as PASS"
check '^FAIL +selftest-fail/02-fails' "the failing test is named as FAIL"
check '^FAIL +selftest-fail/03-crashes-dom0 \(no result' "the test that crashed dom0 has no result"
check 'crash: .*(Kernel panic|Dom0 crashed)' "the dom0 crash is reported"
check '^1 passed, 2 failed, 0 skipped$' "the totals"
((took < 850)) && echo "selftest: ok: finished in $took s, before the timeout" ||
  { echo "selftest: NOT OK: took $took s (the crash was not noticed)"; bad=1; }
exit $bad
