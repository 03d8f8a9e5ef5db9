#!/bin/sh
# containerd's binary:// logging through containerd-shim-runz-v2: `ctr run --log-uri binary:///logger?k=v`
# makes the shim run the logger with the query as arguments, CONTAINER_ID/CONTAINER_NAMESPACE in its
# environment, the task's stdout and stderr on fds 3 and 4 and a ready pipe on fd 5; the zone's output
# reaches it, the exit status comes back, and the logger is gone after the task is deleted.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/shim-lib.sh"
trap cleanup EXIT
start_containerd
build_image
LOGGER=$RUNZ_TEST_TMP/logger
cat >"$LOGGER" <<'EOF'
#!/bin/sh
# logger file PATH: stdout -> PATH.out, stderr -> PATH.err, its environment -> PATH.env
[ "$1" = file ] || exit 9
f=$2
env >"$f.env"
cat <&3 >"$f.out" 4<&- 5>&- &
cat <&4 >"$f.err" 3<&- 5>&- &
exec 3<&- 4<&- 5>&-
echo ready >"$f.ready"
wait
EOF
chmod +x "$LOGGER"
L=$RUNZ_TEST_TMP/log
log "ctr run --rm --log-uri binary://$LOGGER?file=$L"
ctr_ run --rm --runtime "$RUNTIME" --log-uri "binary://$LOGGER?file=$L" "$IMAGE" lb1 \
  /bin/sh -c 'echo out-line; echo err-line >&2; exit 4'
rc=$?
log "ctr run exited $rc"
[ "$rc" -eq 4 ] || shim_fail "ctr run exited $rc, want 4"
[ -f "$L.ready" ] || shim_fail "the logger did not run (no $L.ready)"
wait_for 30 grep -q err-line "$L.err" || shim_fail "the task's stderr did not reach the logger"
echo "--- logger stdout"; cat "$L.out"; echo "--- logger stderr"; cat "$L.err"; echo "--- logger env"; cat "$L.env"
[ "$(cat "$L.out")" = out-line ] || shim_fail "the logger's stdout is '$(cat "$L.out")', want out-line"
[ "$(cat "$L.err")" = err-line ] || shim_fail "the logger's stderr is '$(cat "$L.err")', want err-line"
grep -qx CONTAINER_ID=lb1 "$L.env" || shim_fail "CONTAINER_ID is not lb1"
grep -qx CONTAINER_NAMESPACE="$NS" "$L.env" || shim_fail "CONTAINER_NAMESPACE is not $NS"
[ -z "$(pids_matching "^[^ ]*/bin/sh $LOGGER")" ] || shim_fail "the logger is still running"
wait_for 30 no_shim || shim_fail "shim still running after ctr run --rm"
assert_clean lb1
exit 0
