#!/bin/sh
# `runz exec` runs a second process in a running container's zone: it sees the container's rootfs and
# hostname, its output and exit status come back (attached), and with --detach a host process whose pid
# goes to --pid-file stands for it and forwards signals. After the container is deleted nothing is left.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
busybox_bundle "$B"
echo "in-rootfs" >"$B/rootfs/marker"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "echo main-up; exec sleep 1000"],
              "env": ["PATH=/bin", "FROM_CONFIG=1"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "hostname": "exec-zone",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
runz --root "$ROOT" create -b "$B" t1 </dev/null >"$RUNZ_TEST_TMP/main.out" 2>&1 || { show_zone_log "$ROOT" t1; fail "create failed"; }
runz --root "$ROOT" start t1 || fail "start failed"
wait_for 60 grep -q '^main-up$' "$RUNZ_TEST_TMP/main.out" || { show_zone_log "$ROOT" t1; fail "main process gave no output"; }

log "attached exec"
runz --root "$ROOT" exec --env EXTRA=2 --cwd /proc t1 sh -c 'echo "$(hostname) $(cat /marker) $(pwd) $FROM_CONFIG$EXTRA"; echo to-stderr >&2; exit 6' \
  >"$RUNZ_TEST_TMP/exec.out" 2>"$RUNZ_TEST_TMP/exec.err"
rc=$?
cat "$RUNZ_TEST_TMP/exec.out" "$RUNZ_TEST_TMP/exec.err"
[ "$rc" -eq 6 ] || { show_zone_log "$ROOT" t1; fail "exec exit status $rc, want 6"; }
grep -qx 'exec-zone in-rootfs /proc 12' "$RUNZ_TEST_TMP/exec.out" || fail "exec output: $(cat "$RUNZ_TEST_TMP/exec.out")"
grep -qx 'to-stderr' "$RUNZ_TEST_TMP/exec.err" || fail "exec stderr missing"

log "exec with stdin"
out=$(echo piped-in | runz --root "$ROOT" exec t1 cat)
[ "$out" = piped-in ] || fail "stdin not relayed to the exec'd process: '$out'"

log "exec of a missing program fails clearly"
runz --root "$ROOT" exec t1 /no/such/program 2>"$RUNZ_TEST_TMP/missing.err" && fail "exec of a missing program succeeded"
cat "$RUNZ_TEST_TMP/missing.err"
grep -q 'no/such/program' "$RUNZ_TEST_TMP/missing.err" || fail "the error does not name the program"

log "detached exec: pid file, signal forwarding"
runz --root "$ROOT" exec -d --pid-file "$RUNZ_TEST_TMP/exec.pid" t1 sh -c 'trap "exit 42" TERM; while :; do sleep 1; done' ||
  fail "exec -d failed"
hp=$(cat "$RUNZ_TEST_TMP/exec.pid")
[ -n "$hp" ] && kill -0 "$hp" || fail "no live host process for the detached exec (pid '$hp')"
sleep 2
kill -TERM "$hp"
wait_for 30 sh -c "! kill -0 $hp" || fail "the exec holder $hp did not end after TERM"

log "the main process is untouched; kill and delete"
[ "$(runz --root "$ROOT" state t1 | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')" = running ] || fail "container not running after the execs"
runz --root "$ROOT" kill t1 KILL
wait_for 60 sh -c "runz --root '$ROOT' state t1 | grep -q '\"stopped\"'" || fail "not stopped"
runz --root "$ROOT" exec t1 true 2>/dev/null && fail "exec in a stopped container succeeded"
runz --root "$ROOT" delete t1 || fail "delete failed"
assert_clean "$ROOT"
exit 0
