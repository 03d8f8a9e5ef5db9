#!/bin/sh
# `kill -9` of the shim while its task runs: containerd notices, runs the shim's `delete` sub-command, and
# that leaves no domain, monitor, 9pfs backend, runz state or bundle behind.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/shim-lib.sh"
trap cleanup EXIT
start_containerd
build_image
log "ctr run -d t3 sleep 1000"
ctr_ run -d --runtime "$RUNTIME" "$IMAGE" t3 /bin/sleep 1000 || shim_fail "ctr run -d"
ctr_ task ls
[ -n "$(runz_domains)" ] || shim_fail "no runz domain while t3 runs"
shim=$(shim_procs)
[ -n "$shim" ] || shim_fail "no shim process"
log "kill -9 of the shim ($shim)"
kill -9 $shim
# containerd sees the ttrpc connection close, runs `containerd-shim-runz-v2 ... delete` and marks the task gone
wait_for 120 sh -c "[ -z \"\$(xl list | awk 'NR > 2 && \$1 ~ /^runz-/')\" ]" || shim_fail "runz domain left after the shim died: $(runz_domains)"
wait_for 60 sh -c "! ctr --address $SOCK --namespace $NS task ls | awk '\$1 == \"t3\"' | grep -q RUNNING" ||
  shim_fail "task t3 still RUNNING after its shim died"
ctr_ task ls
grep -i 'cleanup\|dead shim\|delete' "$CD_LOG" | tail -n 5
ctr_ task rm t3 2>/dev/null
ctr_ c rm t3 || shim_fail "ctr c rm"
assert_clean t3
exit 0
