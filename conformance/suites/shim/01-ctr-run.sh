#!/bin/sh
# containerd 1.6 + containerd-shim-runz-v2 with real zones: an OCI image built offline from busybox-static
# is imported, `ctr run --rm --runtime io.containerd.runz.v2` runs a process in a zone, prints its output
# and exits with its status; afterwards no domain, shim, monitor, backend, runz state or bundle is left.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/shim-lib.sh"
trap cleanup EXIT
start_containerd
build_image
log "ctr run --rm t1"
ctr_ run --rm --runtime "$RUNTIME" "$IMAGE" t1 /bin/sh -c 'echo hi; exit 3' >"$RUNZ_TEST_TMP/out" 2>"$RUNZ_TEST_TMP/err"
rc=$?
log "ctr run exited $rc"
echo "--- stdout"; cat "$RUNZ_TEST_TMP/out"; echo "--- stderr"; cat "$RUNZ_TEST_TMP/err"
grep -q '^hi$' "$RUNZ_TEST_TMP/out" || shim_fail "process output not seen"
[ "$rc" -eq 3 ] || shim_fail "exit status $rc, want 3"
wait_for 30 no_shim || shim_fail "shim still running after ctr run --rm"
assert_clean t1
ctr_ c ls -q | grep -q '^t1$' && shim_fail "container t1 still listed"
exit 0
