#!/bin/sh
# Terminals over runc's console-socket protocol (what Docker's and Podman's `-t` use): `runz run
# --console-socket` with process.terminal sends a pty master to the receiver (runz-recvtty here); the
# process has a terminal in its zone, sees the window size the receiver set and a later resize, what is
# typed is echoed once (by the zone's pty: the host pty is raw) and lines end in one \r\n. `runz exec -t
# --console-socket` gets its own terminal and size. Exit statuses propagate; nothing is left.
# timeout: 420
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
RECVTTY=/payload/bin/runz-recvtty
[ -x "$RECVTTY" ] || fail "no $RECVTTY in the payload (built by conformance/CMakeLists.txt)"
busybox_bundle "$B"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {"terminal": true, "user": {"uid": 0, "gid": 0}, "args": ["sh"], "env": ["PATH=/bin", "TERM=xterm"],
              "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
             {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
              "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]
}
JSON
# the shell's output is checked for what the commands print, never for the commands' own echo: the
# arithmetic ($((1+1)) -> 2) tells them apart. The last line is typed once the shell prompted again: typed
# earlier, the zone's pty echoes it before the shell's line editing takes over and echoes it too.
"$RECVTTY" "$RUNZ_TEST_TMP/main.sock" --size 33x101 --send 'stty size; [ -t 0 ] && echo tty-$((1+1))\n' \
  --expect '33 101' --expect tty-2 --size 40x120 --sleep 1 --send 'stty size\n' --expect '40 120' \
  --expect '/ # ' --sleep 1 \
  --send 'while [ ! -e /tmp/go ]; do sleep 0.2; done; echo typed-$((6*7)); exit 4\n' \
  >"$RUNZ_TEST_TMP/main.out" 2>"$RUNZ_TEST_TMP/main.err" &
recv_main=$!
(cd "$B" && exec runz --root "$ROOT" run --console-socket "$RUNZ_TEST_TMP/main.sock" tt) \
  >"$RUNZ_TEST_TMP/run.out" 2>&1 &
run_pid=$!

# done waiting once the resize was reported, or runz run or the receiver ended early
resized_or_ended() {
  grep -q '40 120' "$RUNZ_TEST_TMP/main.out" || ! kill -0 "$run_pid" 2>/dev/null || ! kill -0 "$recv_main" 2>/dev/null
}
wait_for 150 resized_or_ended
if ! grep -q '40 120' "$RUNZ_TEST_TMP/main.out"; then
  echo "--- terminal output"; cat "$RUNZ_TEST_TMP/main.out"; cat "$RUNZ_TEST_TMP/main.err" "$RUNZ_TEST_TMP/run.out"
  show_zone_log "$ROOT" tt
  fail "the shell in the zone did not report the resized window (40 120)"
fi
log "main process: size, tty and resize seen"

"$RECVTTY" "$RUNZ_TEST_TMP/exec.sock" --size 20x70 --send 'go\n' >"$RUNZ_TEST_TMP/exec.out" 2>&1 &
recv_exec=$!
runz --root "$ROOT" exec -t --console-socket "$RUNZ_TEST_TMP/exec.sock" tt \
  sh -c 'read x; stty size; [ -t 1 ] && echo exec-tty-$((2+3)); exit 6'
exec_rc=$?
wait "$recv_exec"
echo "--- exec terminal"; cat "$RUNZ_TEST_TMP/exec.out"; echo
[ "$exec_rc" = 6 ] || fail "runz exec -t exited $exec_rc, want 6"
grep -q '20 70' "$RUNZ_TEST_TMP/exec.out" || fail "exec'd process did not see its window size (20 70)"
grep -q 'exec-tty-5' "$RUNZ_TEST_TMP/exec.out" || fail "exec'd process has no terminal"

touch "$B/rootfs/tmp/go"
wait "$run_pid"
run_rc=$?
wait "$recv_main"
recv_rc=$?
echo "--- main terminal"; cat "$RUNZ_TEST_TMP/main.out"; echo; cat "$RUNZ_TEST_TMP/main.err" "$RUNZ_TEST_TMP/run.out"
[ "$recv_rc" = 0 ] || fail "runz-recvtty failed ($recv_rc)"
[ "$run_rc" = 4 ] || { show_zone_log "$ROOT" tt; fail "runz run exited $run_rc, want 4"; }
grep -q 'typed-42' "$RUNZ_TEST_TMP/main.out" || fail "last command's output missing"
echoes=$(grep -o 'echo typed-\$((6\*7))' "$RUNZ_TEST_TMP/main.out" | wc -l)
[ "$echoes" = 1 ] || fail "typed input echoed $echoes times, want once"
doubled=$(awk 'index($0, "\r\r") {n++} END {print n + 0}' "$RUNZ_TEST_TMP/main.out")
[ "$doubled" = 0 ] || fail "$doubled lines end in \\r\\r (output went through two line disciplines)"
grep -q "$(printf 'typed-42\r')" "$RUNZ_TEST_TMP/main.out" || fail "output lines do not end in \\r\\n"
assert_clean "$ROOT"
exit 0
