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
cd "$B"
config 'echo ok0'
runz --root "$ROOT" run t0 >"$RUNZ_TEST_TMP/out0" 2>"$RUNZ_TEST_TMP/err0"
rc=$?
cat "$RUNZ_TEST_TMP/out0" "$RUNZ_TEST_TMP/err0"
[ "$rc" -eq 0 ] || { show_zone_log "$ROOT" t0; fail "exit 0: got $rc"; }
grep -q '^ok0$' "$RUNZ_TEST_TMP/out0" || fail "exit 0: output missing"

config 'echo before-kill; kill -9 $$; echo after-kill'
runz --root "$ROOT" run t9 >"$RUNZ_TEST_TMP/out9" 2>"$RUNZ_TEST_TMP/err9"
rc=$?
cat "$RUNZ_TEST_TMP/out9" "$RUNZ_TEST_TMP/err9"
[ "$rc" -eq 137 ] || { show_zone_log "$ROOT" t9; fail "SIGKILL: got $rc, want 137"; }
grep -q '^before-kill$' "$RUNZ_TEST_TMP/out9" || fail "SIGKILL: output before the kill missing"
grep -q 'after-kill' "$RUNZ_TEST_TMP/out9" && fail "SIGKILL: the shell went on after kill -9"
assert_clean "$ROOT"
exit 0
