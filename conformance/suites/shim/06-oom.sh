#!/bin/sh
# A task whose process passes its memory limit (`ctr run --memory-limit 64 MiB`): the OOM killer of the
# container's cgroup in the zone kills it (exit 137), and containerd hears it from the shim as runc's shim
# says it: a /tasks/oom event for the container before its /tasks/exit (containerd's CRI plugin then says
# OOMKilled). Nothing of the task is left after.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/shim-lib.sh"
trap 'kill "$events" 2>/dev/null; cleanup' EXIT
start_containerd
build_image

ctr_ events >"$RUNZ_TEST_TMP/events" 2>&1 &
events=$!
sleep 1
log "ctr run --memory-limit 64 MiB t6: a process that fills 200 MB"
ctr_ run --runtime "$RUNTIME" --memory-limit 67108864 "$IMAGE" t6 \
  busybox awk 'BEGIN { s = sprintf("%200000000s", ""); print "survived", length(s) }' >"$RUNZ_TEST_TMP/out" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/out"
[ "$rc" = 137 ] || shim_fail "the task exited $rc, want 137 (OOM-killed)"
wait_for 30 grep -q '/tasks/exit' "$RUNZ_TEST_TMP/events" || shim_fail "containerd saw no /tasks/exit"
grep '/tasks/' "$RUNZ_TEST_TMP/events"
grep -q '/tasks/oom.*t6' "$RUNZ_TEST_TMP/events" || shim_fail "containerd saw no /tasks/oom for t6"
oom_line=$(grep -n '/tasks/oom' "$RUNZ_TEST_TMP/events" | head -1 | cut -d: -f1)
exit_line=$(grep -n '/tasks/exit' "$RUNZ_TEST_TMP/events" | head -1 | cut -d: -f1)
[ "$oom_line" -lt "$exit_line" ] || shim_fail "/tasks/oom came after /tasks/exit"
kill "$events" 2>/dev/null
ctr_ c rm t6 || shim_fail "ctr c rm t6"
wait_for 30 no_shim || shim_fail "shim still running after ctr c rm"
assert_clean t6
exit 0
