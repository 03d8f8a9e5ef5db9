#!/bin/sh
# `ctr run -t` through containerd-shim-runz-v2: ctr's terminal (a pty runz-recvtty made, as a user's terminal
# would be) reaches a shell in the zone: the shell has a terminal, sees ctr's window size and a resize (ctr's
# SIGWINCH -> ResizePty -> the shim's pty master -> runz -> the zone's pty), typed input is echoed once, and
# the exit status comes back through ctr. `ctr task exec -t` gets its own terminal. Nothing is left.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/shim-lib.sh"
trap cleanup EXIT
RECVTTY=/payload/bin/runz-recvtty
[ -x "$RECVTTY" ] || shim_fail "no $RECVTTY in the payload (built by conformance/CMakeLists.txt)"
start_containerd
build_image
log "ctr run -t tt1"
# the shell's answers are told from its echo of the commands by the arithmetic ($((1+1)) -> 2)
# ctr sizes the task's terminal only after Start: type once the shell prompted and the size had time to
# arrive (before that, the zone's pty is 0x0, as a runc container's is)
"$RECVTTY" --spawn --size 30x90 --expect '/ # ' --sleep 2 --send 'stty size; [ -t 0 ] && echo tty-$((1+1))\n' --expect '30 90' \
  --expect tty-2 --size 45x140 --sleep 2 --send 'stty size\n' --expect '45 140' \
  --expect '/ # ' --sleep 1 \
  --send 'echo typed-$((6*7)); exit 3\n' \
  -- ctr --address "$SOCK" --namespace "$NS" run -t --rm --runtime "$RUNTIME" "$IMAGE" tt1 /bin/sh \
  >"$RUNZ_TEST_TMP/tty.out" 2>"$RUNZ_TEST_TMP/tty.err"
rc=$?
check_shell_session shim_fail "$rc" "$RUNZ_TEST_TMP/tty.out" "$RUNZ_TEST_TMP/tty.err" 3
wait_for 30 no_shim || shim_fail "shim still running after ctr run -t --rm"
assert_clean tt1

log "ctr task exec -t"
ctr_ run -d --runtime "$RUNTIME" "$IMAGE" tt2 /bin/sh -c 'sleep 600' || shim_fail "ctr run -d failed"
"$RECVTTY" --spawn --size 20x70 --sleep 5 --send 'go\n' \
  -- ctr --address "$SOCK" --namespace "$NS" task exec -t --exec-id e1 tt2 \
  /bin/sh -c 'read x; stty size; [ -t 1 ] && echo exec-tty-$((2+3)); exit 6' \
  >"$RUNZ_TEST_TMP/exec.out" 2>"$RUNZ_TEST_TMP/exec.err"
rc=$?
echo "--- exec terminal"; cat "$RUNZ_TEST_TMP/exec.out"; echo; cat "$RUNZ_TEST_TMP/exec.err"
[ "$rc" = 0 ] || shim_fail "runz-recvtty exit $rc"
grep -q 'command exited 6' "$RUNZ_TEST_TMP/exec.err" || shim_fail "ctr task exec -t did not exit 6"
grep -q '20 70' "$RUNZ_TEST_TMP/exec.out" || shim_fail "exec'd process did not see its window size (20 70)"
grep -q 'exec-tty-5' "$RUNZ_TEST_TMP/exec.out" || shim_fail "exec'd process has no terminal"
ctr_ task kill --signal SIGKILL tt2 || shim_fail "ctr task kill failed"
wait_for 60 sh -c "ctr --address $SOCK --namespace $NS task ls | awk '\$1 == \"tt2\" {print \$3}' | grep -qx STOPPED" ||
  shim_fail "task tt2 is not STOPPED after kill"
ctr_ task rm tt2 || shim_fail "ctr task rm failed"
ctr_ c rm tt2 || shim_fail "ctr c rm failed"
wait_for 30 no_shim || shim_fail "shim still running after ctr task rm"
assert_clean tt2
exit 0
