#!/bin/sh
# One zone per pod at the runz level, as containerd's CRI plugin asks for it through annotations: the
# sandbox (container-type "sandbox") builds the zone; containers with container-type "container" and its
# sandbox-id run inside that same domain, each on its own rootfs (exported to the running zone and withdrawn
# again) in its own PID namespace; exec reaches them; their exit status comes back; deleting one, or a
# kill -9 of its monitor, withdraws its exports; after the sandbox is deleted nothing is left.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root

# pod_bundle DIR TYPE MARKER ARGS_JSON [PID_NS_JSON]: a busybox bundle in pod "pod1" whose /marker holds
# MARKER; its pid namespace entry is CRI's CONTAINER mode ({"type": "pid"}) unless PID_NS_JSON says otherwise
pod_bundle() {
  busybox_bundle "$1"
  echo "$3" >"$1/rootfs/marker"
  _pidns='{"type": "pid"}'
  [ -z "${5:-}" ] || _pidns=$5
  cat >"$1/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": $4, "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "linux": {"namespaces": [{"type": "mount"}, $_pidns]},
  "annotations": {"io.kubernetes.cri.container-type": "$2", "io.kubernetes.cri.sandbox-id": "pod1"}
}
JSON
}
backends() { pids_named runz-p9-backend | wc -l; }
p9_devices() { xenstore-list "/local/domain/0/backend/9pfs/$1" 2>/dev/null | wc -l; }

pod_bundle "$RUNZ_TEST_TMP/sb" sandbox sandbox-root '["sh", "-c", "echo sb-up; exec sleep 100000"]'
pod_bundle "$RUNZ_TEST_TMP/c1" container c1-root '["sh", "-c", "echo c1 $(cat /marker) pid=$$; exec sleep 100000"]'
pod_bundle "$RUNZ_TEST_TMP/c2" container c2-root '["sh", "-c", "echo c2 $(cat /marker) pid=$$; exit 7"]'
# CRI's POD mode: the sandbox's PID namespace by path; in the zone that is the zone's own
pod_bundle "$RUNZ_TEST_TMP/c3" container c3-root '["sleep", "100000"]' '{"type": "pid", "path": "/proc/1/ns/pid"}'

log "a container of a pod whose sandbox does not exist is refused, leaving nothing"
runz --root "$ROOT" create -b "$RUNZ_TEST_TMP/c1" c1 </dev/null 2>"$RUNZ_TEST_TMP/nosb.err" && fail "create without its sandbox succeeded"
cat "$RUNZ_TEST_TMP/nosb.err"
grep -q 'pod1' "$RUNZ_TEST_TMP/nosb.err" || fail "the error does not name the sandbox"
assert_clean "$ROOT"

log "the sandbox builds the pod's zone"
runz --root "$ROOT" create -b "$RUNZ_TEST_TMP/sb" pod1 </dev/null >"$RUNZ_TEST_TMP/sb.out" 2>&1 || { show_zone_log "$ROOT" pod1; fail "sandbox create failed"; }
runz --root "$ROOT" start pod1 || fail "sandbox start failed"
wait_for 60 grep -q '^sb-up$' "$RUNZ_TEST_TMP/sb.out" || { show_zone_log "$ROOT" pod1; fail "sandbox gave no output"; }
domain=$(other_domains)
[ "$(echo "$domain" | wc -w)" = 1 ] || fail "want one domain for the sandbox, xl list: $(other_domains | tr '\n' ' ')"
domid=$(xl domid "$domain")
sb_devices=$(p9_devices "$domid")

log "a container joins it: same domain, own rootfs, PID 1 of its own namespace"
runz --root "$ROOT" create -b "$RUNZ_TEST_TMP/c1" c1 </dev/null >"$RUNZ_TEST_TMP/c1.out" 2>&1 || { cat "$RUNZ_TEST_TMP/c1.out"; show_zone_log "$ROOT" pod1; fail "c1 create failed"; }
runz --root "$ROOT" state c1 | grep -q '"created"' || fail "c1 is not created: $(runz --root "$ROOT" state c1)"
runz --root "$ROOT" start c1 || fail "c1 start failed"
wait_for 60 grep -q '^c1 ' "$RUNZ_TEST_TMP/c1.out" || { show_zone_log "$ROOT" pod1; fail "c1 gave no output"; }
cat "$RUNZ_TEST_TMP/c1.out"
grep -qx 'c1 c1-root pid=1' "$RUNZ_TEST_TMP/c1.out" || fail "c1 output: $(cat "$RUNZ_TEST_TMP/c1.out")"
[ "$(other_domains)" = "$domain" ] || fail "c1 got a domain of its own: $(other_domains | tr '\n' ' ')"
[ "$(backends)" = 2 ] || fail "want 2 9pfs backends (sandbox, c1), have $(backends)"
[ "$(p9_devices "$domid")" -gt "$sb_devices" ] || fail "c1's exports are not hot-plugged into domain $domid"

log "exec reaches each container's own filesystem and PID namespace"
out=$(runz --root "$ROOT" exec c1 sh -c 'echo $(cat /marker) $(ls -d /proc/[0-9]* | wc -l)') || fail "exec in c1 failed"
echo "c1: $out"
set -- $out
[ "$1" = c1-root ] || fail "exec in c1 sees /marker '$1'"
[ "$2" -le 6 ] || fail "exec in c1 sees $2 processes: not its own PID namespace"
out=$(runz --root "$ROOT" exec pod1 cat /marker) || fail "exec in the sandbox failed"
[ "$out" = sandbox-root ] || fail "exec in pod1 sees /marker '$out'"

log "a second container runs to its end in the same zone: output and exit status"
(cd "$RUNZ_TEST_TMP/c2" && runz --root "$ROOT" run c2 </dev/null >"$RUNZ_TEST_TMP/c2.out" 2>&1)
rc=$?
cat "$RUNZ_TEST_TMP/c2.out"
[ "$rc" = 7 ] || { show_zone_log "$ROOT" pod1; fail "c2 exit status $rc, want 7"; }
grep -qx 'c2 c2-root pid=1' "$RUNZ_TEST_TMP/c2.out" || fail "c2 output: $(cat "$RUNZ_TEST_TMP/c2.out")"
wait_for 30 sh -c "[ \$(ls /proc/[0-9]*/comm | xargs grep -lx runz-p9-backend 2>/dev/null | wc -l) = 2 ]" || fail "c2's 9pfs backend is still running"

log "deleting a container withdraws its exports"
runz --root "$ROOT" kill c1 KILL || fail "kill c1 failed"
wait_for 60 sh -c "runz --root '$ROOT' state c1 | grep -q '\"stopped\"'" || fail "c1 did not stop"
runz --root "$ROOT" delete c1 || fail "delete c1 failed"
wait_for 30 sh -c "[ \$(ls /proc/[0-9]*/comm | xargs grep -lx runz-p9-backend 2>/dev/null | wc -l) = 1 ]" || fail "c1's 9pfs backend is still running"
[ "$(p9_devices "$domid")" = "$sb_devices" ] || fail "c1's 9pfs devices are still in xenstore: $(xenstore-list /local/domain/0/backend/9pfs/$domid | tr '\n' ' ')"
runz --root "$ROOT" state pod1 | grep -q '"running"' || fail "the sandbox is not running any more"

log "kill -9 of a container's monitor: the sandbox withdraws it, delete cleans the rest"
runz --root "$ROOT" create -b "$RUNZ_TEST_TMP/c3" c3 </dev/null >/dev/null 2>&1 || fail "c3 create failed"
runz --root "$ROOT" start c3 || fail "c3 start failed"
[ "$(backends)" = 2 ] || fail "want 2 9pfs backends (sandbox, c3), have $(backends)"
n=$(runz --root "$ROOT" exec c3 sh -c 'ls -d /proc/[0-9]* | wc -l') || fail "exec in c3 failed"
[ "$n" -gt 6 ] || fail "c3 (POD mode) sees only $n processes: not the zone's PID namespace"
mon=$(runz --root "$ROOT" state c3 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
[ -n "$mon" ] || fail "no pid in c3's state"
kill -9 "$mon"
wait_for 60 sh -c "[ \$(ls /proc/[0-9]*/comm | xargs grep -lx runz-p9-backend 2>/dev/null | wc -l) = 1 ]" || fail "c3's backend outlived its monitor"
runz --root "$ROOT" delete -f c3 || fail "delete -f c3 failed"

log "the sandbox's end ends the pod"
runz --root "$ROOT" kill pod1 KILL || fail "kill pod1 failed"
wait_for 60 sh -c "runz --root '$ROOT' state pod1 | grep -q '\"stopped\"'" || fail "the sandbox did not stop"
runz --root "$ROOT" delete pod1 || fail "delete pod1 failed"
wait_for 30 sh -c "[ -z \"\$(xl list | awk 'NR>2')\" ]" || fail "the pod's domain is left"
assert_clean "$ROOT"
exit 0
