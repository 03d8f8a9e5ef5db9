#!/bin/sh
# `docker run -it --runtime=runz` under a pty (runz-recvtty --spawn stands for the user's terminal): the
# runc shim hands runz a --console-socket, runz sends the zone terminal's pty master back; the shell in the
# zone has a terminal of docker's size, sees a resize, echoes typed input once, and its exit status
# comes back through docker.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/docker-lib.sh"
RECVTTY=/payload/bin/runz-recvtty
trap docker_cleanup EXIT
start_docker
build_docker_image

log "docker run -it --rm --runtime=runz under a pty"
# the shell's answers are told from its echo of the commands by the arithmetic ($((1+1)) -> 2); type once
# the shell prompted (docker sizes the terminal after start, as ctr does)
"$RECVTTY" --spawn --size 30x90 --expect '/ # ' --sleep 2 --send 'stty size; [ -t 0 ] && echo tty-$((1+1))\n' \
  --expect '30 90' --expect tty-2 --size 45x140 --sleep 2 --send 'stty size\n' --expect '45 140' \
  --expect '/ # ' --sleep 1 --send 'echo typed-$((6*7)); exit 3\n' \
  -- docker -H "unix://$DOCKER_SOCK" run -it --rm --runtime=runz "$DOCKER_IMAGE" /bin/sh \
  >"$RUNZ_TEST_TMP/tty.out" 2>"$RUNZ_TEST_TMP/tty.err"
rc=$?
check_shell_session docker_fail "$rc" "$RUNZ_TEST_TMP/tty.out" "$RUNZ_TEST_TMP/tty.err" 3
wait_for 60 no_runz_domain || docker_fail "a domain is left after docker run -it --rm"
docker_assert_clean

log "docker exec -it"
docker_ run -d --runtime=runz --name dt "$DOCKER_IMAGE" /bin/sleep 600 >/dev/null || docker_fail "docker run -d dt"
# docker 20.10's CLI sizes an exec's terminal right after asking dockerd to start it and retries for ~0.1 s;
# in the emulator `runz exec` takes seconds, so that first size is lost (docker's window, not runz's: with
# runc it would be lost the same way if exec took as long). A resize of the user's terminal (SIGWINCH to
# the CLI) once the process runs must reach the zone; typing waits for it too (before, the CLI has not put
# the terminal in raw mode yet and the terminal itself would echo). The CLI's SIGWINCH -> dockerd ->
# containerd -> shim path took over 2 s once under emulation (no resize call reached dockerd before "go"),
# so the resize gets 6 s.
"$RECVTTY" --spawn --size 20x70 --expect exec-up-7 --sleep 1 --size 24x80 --sleep 6 --send 'go\n' \
  -- docker -H "unix://$DOCKER_SOCK" exec -it dt \
  /bin/sh -c 'echo exec-up-$((3+4)); read x; stty size; [ -t 1 ] && echo exec-tty-$((2+3)); exit 6' \
  >"$RUNZ_TEST_TMP/exec.out" 2>"$RUNZ_TEST_TMP/exec.err"
rc=$?
echo "--- exec terminal"; cat "$RUNZ_TEST_TMP/exec.out"; echo; cat "$RUNZ_TEST_TMP/exec.err"
[ "$rc" = 0 ] || docker_fail "runz-recvtty exit $rc"
grep -q 'command exited 6' "$RUNZ_TEST_TMP/exec.err" || docker_fail "docker exec -it did not exit 6"
grep -q '24 80' "$RUNZ_TEST_TMP/exec.out" || docker_fail "exec'd process did not see the resize to 24x80"
grep -q 'exec-tty-5' "$RUNZ_TEST_TMP/exec.out" || docker_fail "exec'd process has no terminal"
docker_ rm -f dt >/dev/null || docker_fail "docker rm -f dt"
wait_for 60 no_runz_domain || docker_fail "a domain is left after docker rm -f"
docker_assert_clean
exit 0
