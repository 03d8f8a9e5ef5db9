#!/bin/sh
# `podman run -it --runtime /usr/bin/runz` under a pty (runz-recvtty --spawn stands for the user's
# terminal): conmon hands runz a --console-socket and relays the pty; the shell in the zone has a terminal
# of podman's size, echoes typed input once, and its exit status comes back through podman.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/podman-lib.sh"
RECVTTY=/payload/bin/runz-recvtty
trap podman_cleanup EXIT
start_podman
build_podman_image

log "podman run -it --rm under a pty"
"$RECVTTY" --spawn --size 30x90 --expect '/ # ' --sleep 2 --send 'stty size; [ -t 0 ] && echo tty-$((1+1))\n' \
  --expect '30 90' --expect tty-2 --expect '/ # ' --sleep 1 --send 'echo typed-$((6*7)); exit 3\n' \
  -- podman --root "$PODMAN_STORE" --runroot "$PODMAN_RUN" --storage-driver overlay --cgroup-manager cgroupfs \
  --events-backend file run -it --rm --runtime /usr/bin/runz --network none "$PODMAN_IMAGE" /bin/sh \
  >"$RUNZ_TEST_TMP/tty.out" 2>"$RUNZ_TEST_TMP/tty.err"
rc=$?
check_shell_session podman_fail "$rc" "$RUNZ_TEST_TMP/tty.out" "$RUNZ_TEST_TMP/tty.err" 3
wait_for 60 no_runz_domain || podman_fail "a domain is left after podman run -it --rm"
podman_assert_clean
exit 0
