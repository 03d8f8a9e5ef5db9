#!/bin/sh
# 20 create/start/kill/delete cycles, then one where the monitor is killed with SIGKILL mid-run and
# `delete --force` cleans up: no domain, xenstore entry, monitor, backend or state dir is left, and dom0's
# event-channel and grant use is back where it started.
# timeout: 1500
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
N=${RUNZ_ZONE_CYCLES:-20}
busybox_bundle "$B"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "echo up; exec sleep 1000"],
              "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
# dom0's xen event channels (interrupt lines) and the open /dev/xen handles of all processes
evtchns() { grep -c 'xen-dyn\|xen-pirq\|xenbus\|evtchn' /proc/interrupts; }
xen_fds() { ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c '/dev/xen/'; }
ev0=$(evtchns)
fd0=$(xen_fds)
i=1
while [ "$i" -le "$N" ]; do
  id=c$i
  runz --root "$ROOT" create -b "$B" "$id" </dev/null >"$RUNZ_TEST_TMP/out.$i" 2>&1 ||
    { cat "$RUNZ_TEST_TMP/out.$i"; show_zone_log "$ROOT" "$id"; fail "cycle $i: create failed"; }
  runz --root "$ROOT" start "$id" || { show_zone_log "$ROOT" "$id"; tail -n 20 "$ROOT/$id/p9-backend.log" 2>/dev/null; fail "cycle $i: start failed"; }
  wait_for 60 grep -q '^up$' "$RUNZ_TEST_TMP/out.$i" || { show_zone_log "$ROOT" "$id"; fail "cycle $i: no output"; }
  runz --root "$ROOT" kill "$id" KILL || { show_zone_log "$ROOT" "$id"; fail "cycle $i: kill failed"; }
  wait_for 60 sh -c "runz --root '$ROOT' state $id | grep -q '\"stopped\"'" || fail "cycle $i: not stopped"
  runz --root "$ROOT" delete "$id" || fail "cycle $i: delete failed"
  left=$(runz_leftovers "$ROOT")
  [ -z "$left" ] || fail "cycle $i left: $left"
  log "cycle $i clean"
  i=$((i + 1))
done

log "kill -9 of the monitor mid-run"
runz --root "$ROOT" create -b "$B" k9 </dev/null >"$RUNZ_TEST_TMP/out.k9" 2>&1 || { cat "$RUNZ_TEST_TMP/out.k9"; fail "k9: create failed"; }
runz --root "$ROOT" start k9 || fail "k9: start failed"
wait_for 60 grep -q '^up$' "$RUNZ_TEST_TMP/out.k9" || fail "k9: no output"
mon=$(runz --root "$ROOT" state k9 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
[ -n "$mon" ] || fail "k9: no monitor pid"
kill -9 "$mon"
wait_for 10 sh -c "! kill -0 $mon" || fail "monitor $mon survived SIGKILL"
runz --root "$ROOT" state k9
runz --root "$ROOT" delete --force k9 || fail "delete --force after kill -9 of the monitor failed"
assert_clean "$ROOT"
sleep 1
ev1=$(evtchns)
fd1=$(xen_fds)
log "dom0 event channels: $ev0 before, $ev1 after; open /dev/xen fds: $fd0 before, $fd1 after"
[ "$ev1" -le "$ev0" ] || fail "dom0 event channels grew from $ev0 to $ev1"
[ "$fd1" -le "$fd0" ] || fail "open /dev/xen fds grew from $fd0 to $fd1"
exit 0
