#!/bin/sh
# `runz run` exits with the process's exit code: 0, 3 (see 01), and 128+9 for a process killed by SIGKILL
# (the agent reports the signal, the monitor and runz turn it into a shell-style status).
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
busybox_bundle "$B"
config() {
  cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "$1"], "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
}
config 'echo ok0'
zone_run "$B" t0
[ "$RUN_RC" -eq 0 ] || fail "exit 0: got $RUN_RC"
grep -q '^ok0$' "$RUNZ_TEST_TMP/out" || fail "exit 0: output missing"

config 'echo before-kill; kill -9 $$; echo after-kill'
zone_run "$B" t9
[ "$RUN_RC" -eq 137 ] || fail "SIGKILL: got $RUN_RC, want 137"
grep -q '^before-kill$' "$RUNZ_TEST_TMP/out" || fail "SIGKILL: output before the kill missing"
grep -q 'after-kill' "$RUNZ_TEST_TMP/out" && fail "SIGKILL: the shell went on after kill -9"
assert_clean "$ROOT"
exit 0
