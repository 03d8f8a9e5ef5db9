#!/bin/sh
# Podman 4.3 with `--runtime /usr/bin/runz` (conmon runs runz with runc's argv): `podman run --rm` prints
# the output and exits with the process's status, in a zone; a detached container takes `podman exec`;
# `podman stop` delivers SIGTERM; after `podman rm` no domain, monitor, conmon or backend is left.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/podman-lib.sh"
trap podman_cleanup EXIT
start_podman
build_podman_image

log "podman run --rm --runtime /usr/bin/runz: output and exit status"
podman_ run --rm --runtime /usr/bin/runz --network none "$PODMAN_IMAGE" echo hi >"$RUNZ_TEST_TMP/out" 2>"$RUNZ_TEST_TMP/err"
rc=$?
echo "--- stdout"; cat "$RUNZ_TEST_TMP/out"; echo "--- stderr"; cat "$RUNZ_TEST_TMP/err"
[ "$rc" -eq 0 ] || podman_fail "podman run echo hi exited $rc"
[ "$(cat "$RUNZ_TEST_TMP/out")" = hi ] || podman_fail "podman run echo hi printed '$(cat "$RUNZ_TEST_TMP/out")'"
podman_ run --rm --runtime /usr/bin/runz --network none "$PODMAN_IMAGE" /bin/sh -c 'echo err >&2; exit 3' 2>"$RUNZ_TEST_TMP/err"
rc=$?
cat "$RUNZ_TEST_TMP/err"
[ "$rc" -eq 3 ] || podman_fail "podman run exited $rc, want 3"
grep -qx err "$RUNZ_TEST_TMP/err" || podman_fail "the process's stderr is missing"
wait_for 60 no_runz_domain || podman_fail "a domain is left after podman run --rm"
podman_assert_clean

log "podman run -d, podman exec, podman stop"
podman_ run -d --runtime /usr/bin/runz --network none --name p1 "$PODMAN_IMAGE" \
  /bin/sh -c 'trap "echo got-term; exit 0" TERM; sleep 1000 & wait' || podman_fail "podman run -d"
[ -n "$(runz_domains)" ] || podman_fail "no runz domain while p1 runs"
xl list
podman_ exec p1 /bin/sh -c 'echo from-exec; exit 5' >"$RUNZ_TEST_TMP/exec"
rc=$?
cat "$RUNZ_TEST_TMP/exec"
[ "$rc" -eq 5 ] || podman_fail "podman exec exited $rc, want 5"
grep -qx from-exec "$RUNZ_TEST_TMP/exec" || podman_fail "podman exec's output is missing"
podman_ stop -t 60 p1 || podman_fail "podman stop p1"
podman_ logs p1 | grep -qx got-term || podman_fail "the container did not see SIGTERM"
[ "$(podman_ inspect -f '{{.State.ExitCode}}' p1)" = 0 ] ||
  podman_fail "p1 exit code $(podman_ inspect -f '{{.State.ExitCode}}' p1), want 0 (its TERM trap)"
podman_ rm p1 || podman_fail "podman rm p1"
wait_for 60 no_runz_domain || podman_fail "a domain is left after podman rm"
podman_assert_clean
exit 0
