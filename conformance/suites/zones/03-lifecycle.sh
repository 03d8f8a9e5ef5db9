#!/bin/sh
# create -> `created` with the monitor's pid -> start -> `running` -> the process's output arrives on the
# pipes handed to create -> kill TERM -> `stopped` -> delete -> nothing left (domain, monitor, backend,
# xenstore entries, state dir). This is the sequence containerd's runc shim drives.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
busybox_bundle "$B"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {
    "user": {"uid": 0, "gid": 0},
    "args": ["sh", "-c", "echo out-line; echo err-line >&2; read line; echo \"stdin:$line\"; trap 'echo got-term; exit 0' TERM; while :; do sleep 1; done"],
    "env": ["PATH=/bin"], "cwd": "/"
  },
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
state_of() { runz --root "$ROOT" state t1 | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
pid_of() { runz --root "$ROOT" state t1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }

mkfifo "$RUNZ_TEST_TMP/in" "$RUNZ_TEST_TMP/out" "$RUNZ_TEST_TMP/err"
cat "$RUNZ_TEST_TMP/out" >"$RUNZ_TEST_TMP/out.txt" &
cat "$RUNZ_TEST_TMP/err" >"$RUNZ_TEST_TMP/err.txt" &
# stdin: a pipe the test writes one line into after start, then keeps open
(sleep 1000 | (echo hello-stdin; cat)) >"$RUNZ_TEST_TMP/in" &
feeder=$!

log "create"
runz --root "$ROOT" create -b "$B" --pid-file "$RUNZ_TEST_TMP/pid" t1 \
  <"$RUNZ_TEST_TMP/in" >"$RUNZ_TEST_TMP/out" 2>"$RUNZ_TEST_TMP/err" || { show_zone_log "$ROOT" t1; fail "create failed"; }
runz --root "$ROOT" state t1
[ "$(state_of)" = created ] || fail "after create: status $(state_of), want created"
pid=$(pid_of)
[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "state has no pid"
[ "$(cat "$RUNZ_TEST_TMP/pid")" = "$pid" ] || fail "--pid-file $(cat "$RUNZ_TEST_TMP/pid") != state pid $pid"
[ "$(cat /proc/$pid/comm)" = runz ] || fail "pid $pid is not a runz monitor: $(cat /proc/$pid/comm)"
[ -n "$(other_domains)" ] || fail "no domain after create"
other_domains | grep -qx runz-t1 || fail "domain is not named runz-t1: $(other_domains)"
[ -s "$RUNZ_TEST_TMP/out.txt" ] && fail "output before start: $(cat "$RUNZ_TEST_TMP/out.txt")"

log "start"
runz --root "$ROOT" start t1 || fail "start failed"
[ "$(state_of)" = running ] || fail "after start: status $(state_of), want running"
wait_for 60 grep -q '^stdin:hello-stdin$' "$RUNZ_TEST_TMP/out.txt" || {
  cat "$RUNZ_TEST_TMP/out.txt"; show_zone_log "$ROOT" t1; fail "stdin line not echoed on the stdout pipe"; }
grep -q '^out-line$' "$RUNZ_TEST_TMP/out.txt" || fail "stdout pipe lacks out-line"
wait_for 10 grep -q '^err-line$' "$RUNZ_TEST_TMP/err.txt" || fail "stderr pipe lacks err-line"

log "kill TERM"
runz --root "$ROOT" kill t1 TERM || fail "kill failed"
wait_for 60 sh -c "! kill -0 $pid" || fail "monitor $pid still there 60 s after TERM"
[ "$(state_of)" = stopped ] || fail "after TERM: status $(state_of), want stopped"
wait_for 10 grep -q '^got-term$' "$RUNZ_TEST_TMP/out.txt" || fail "the process's TERM trap did not run"
[ -z "$(other_domains)" ] || fail "domain still there after the process exited: $(other_domains)"

log "delete"
runz --root "$ROOT" delete t1 || fail "delete failed"
runz --root "$ROOT" state t1 2>/dev/null && fail "state still answers after delete"
kill "$feeder" 2>/dev/null
for p in $(pids_named sleep); do grep -q 1000 "/proc/$p/cmdline" && kill "$p"; done
assert_clean "$ROOT"
exit 0
