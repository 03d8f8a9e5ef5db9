#!/bin/sh
# A running task (`ctr run -d ... sleep 1000`) through containerd: ps, metrics (the domain's CPU time and
# memory as cgroups v2 Metrics), pause/resume (the Xen domain is paused: `xl list` state has `p`), exec
# (attached: output + exit status; detached: listed by ps, killed by exec id), kill, then `ctr task rm` and
# `ctr c rm` leave no domain, shim, monitor, backend, runz state or bundle.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/shim-lib.sh"
trap cleanup EXIT
start_containerd
build_image
task_status() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }

log "ctr run -d t2 sleep 1000"
ctr_ run -d --runtime "$RUNTIME" "$IMAGE" t2 /bin/sleep 1000 || shim_fail "ctr run -d"
[ "$(task_status t2)" = RUNNING ] || shim_fail "task t2 is '$(task_status t2)', want RUNNING"
[ -n "$(runz_domains)" ] || shim_fail "no runz domain while t2 runs"
ctr_ task ls

log "ctr task ps"
ctr_ task ps t2 >"$RUNZ_TEST_TMP/ps" || shim_fail "ctr task ps"
cat "$RUNZ_TEST_TMP/ps"
pid=$(ctr_ task ls | awk '$1 == "t2" {print $2}')
awk 'NR > 1 {print $1}' "$RUNZ_TEST_TMP/ps" | grep -qx "$pid" || shim_fail "ctr task ps does not list the task pid $pid"

log "ctr task metrics"
ctr_ task metrics t2 >"$RUNZ_TEST_TMP/metrics" 2>&1 || { cat "$RUNZ_TEST_TMP/metrics"; shim_fail "ctr task metrics"; }
cat "$RUNZ_TEST_TMP/metrics"
metric() { awk -v m="$1" '$1 == m {print $2}' "$RUNZ_TEST_TMP/metrics"; }
cpu=$(metric cpu.usage_usec)
mem=$(metric memory.usage)
limit=$(metric memory.usage_limit)
[ -n "$cpu" ] && [ "$cpu" -gt 0 ] || shim_fail "cpu.usage_usec '$cpu', want > 0"
[ -n "$mem" ] && [ "$mem" -gt 1048576 ] || shim_fail "memory.usage '$mem', want > 1 MiB"
[ -n "$limit" ] && [ "$limit" -ge "$mem" ] || shim_fail "memory.usage_limit '$limit', want >= usage $mem"
# the same numbers as Xen's own view (xl list: memory in MiB, CPU time in s), within what TCG drifts
xl_mem=$(xl list | awk '$1 == "runz-t2" {print $3}')
echo "xl list: runz-t2 memory ${xl_mem} MiB"
[ "$((mem / 1048576))" -le "$((xl_mem + 1))" ] && [ "$((mem / 1048576 + 1))" -ge "$xl_mem" ] ||
  shim_fail "memory.usage $mem B disagrees with xl list's $xl_mem MiB"

log "ctr task pause"
ctr_ task pause t2 || shim_fail "ctr task pause"
[ "$(task_status t2)" = PAUSED ] || shim_fail "task t2 is '$(task_status t2)' after pause, want PAUSED"
st=$(domain_state runz-t2)
echo "xl list state of runz-t2 after pause: $st"
case $st in *p*) ;; *) shim_fail "domain runz-t2 state '$st' after pause, want p" ;; esac
log "ctr task resume"
ctr_ task resume t2 || shim_fail "ctr task resume"
[ "$(task_status t2)" = RUNNING ] || shim_fail "task t2 is '$(task_status t2)' after resume, want RUNNING"
st=$(domain_state runz-t2)
echo "xl list state of runz-t2 after resume: $st"
case $st in *p*) shim_fail "domain runz-t2 state '$st' after resume, still paused" ;; esac

log "ctr task exec (attached: output and exit status come back)"
ctr_ task exec --exec-id e1 t2 /bin/sh -c 'echo from-exec; echo to-stderr >&2; exit 5' >"$RUNZ_TEST_TMP/exec" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/exec"
[ "$rc" -eq 5 ] || shim_fail "ctr task exec exited $rc, want 5"
grep -qx 'from-exec' "$RUNZ_TEST_TMP/exec" || shim_fail "exec's stdout is missing"
grep -qx 'to-stderr' "$RUNZ_TEST_TMP/exec" || shim_fail "exec's stderr is missing"
[ "$(task_status t2)" = RUNNING ] || shim_fail "task t2 is '$(task_status t2)' after exec, want RUNNING"

log "ctr task exec -d, seen by ctr task ps, ended by ctr task kill --exec-id"
ctr_ task exec -d --exec-id e2 t2 /bin/sleep 1000 || shim_fail "ctr task exec -d"
procs() { ctr_ task ps t2 | awk 'NR > 1' | wc -l; }
ctr_ task ps t2
[ "$(procs)" -eq 2 ] || shim_fail "ctr task ps lists $(procs) processes with a detached exec running, want 2"
ctr_ task kill --exec-id e2 --signal SIGKILL t2 || shim_fail "ctr task kill --exec-id e2"
wait_for 60 sh -c "[ \"\$(ctr --address $SOCK --namespace $NS task ps t2 | awk 'NR > 1' | wc -l)\" -eq 1 ]" ||
  shim_fail "the killed exec is still listed by ctr task ps"
[ "$(task_status t2)" = RUNNING ] || shim_fail "task t2 is '$(task_status t2)' after killing an exec, want RUNNING"

# SIGKILL: sleep is PID 1 of the container's PID namespace and has no handler for ctr's default SIGTERM,
# which the kernel then does not deliver (as under runc)
log "ctr task kill --signal SIGKILL"
ctr_ task kill --signal SIGKILL t2 || shim_fail "ctr task kill"
wait_for 60 sh -c "ctr --address $SOCK --namespace $NS task ls | awk '\$1 == \"t2\" {print \$3}' | grep -qx STOPPED" ||
  shim_fail "task t2 is '$(task_status t2)' after kill, want STOPPED"
wait_for 60 sh -c "[ -z \"\$(xl list | awk '\$1 == \"runz-t2\"')\" ]" || shim_fail "domain runz-t2 still there after the task exited"
ctr_ task rm t2 || shim_fail "ctr task rm"
ctr_ c rm t2 || shim_fail "ctr c rm"
wait_for 30 no_shim || shim_fail "shim still running after ctr c rm"
assert_clean t2
exit 0
