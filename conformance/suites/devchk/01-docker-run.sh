#!/bin/sh
# Docker 20.10 with runz as a runtime from daemon.json (the runc-shim path: containerd-shim-runc-v2 runs the
# runz binary with runc's argv): `docker run --rm --runtime=runz` prints the process's output and exits
# with its status, in a zone of its own; a detached container takes `docker exec` and `docker top` (which
# lists the zone's host-side monitor: dockerd runs ps on the host);
# `docker stop` delivers SIGTERM (a trapping shell exits 0) and, when it is ignored, SIGKILL after the
# timeout (137); after `docker rm` no domain, monitor, shim, backend or runz state is left.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/docker-lib.sh"
trap docker_cleanup EXIT
start_docker
build_docker_image

log "docker run --rm --runtime=runz: output and exit status"
docker_ run --rm --runtime=runz "$DOCKER_IMAGE" /bin/sh -c 'echo hi; echo err >&2; exit 3' \
  >"$RUNZ_TEST_TMP/out" 2>"$RUNZ_TEST_TMP/err"
rc=$?
echo "--- stdout"; cat "$RUNZ_TEST_TMP/out"; echo "--- stderr"; cat "$RUNZ_TEST_TMP/err"
[ "$rc" -eq 3 ] || docker_fail "docker run exited $rc, want 3"
grep -qx hi "$RUNZ_TEST_TMP/out" || docker_fail "the process's stdout is missing"
grep -qx err "$RUNZ_TEST_TMP/err" || docker_fail "the process's stderr is missing"
docker_ run --rm --runtime=runz "$DOCKER_IMAGE" echo hi >"$RUNZ_TEST_TMP/out2" || docker_fail "docker run echo hi"
[ "$(cat "$RUNZ_TEST_TMP/out2")" = hi ] || docker_fail "docker run echo hi printed '$(cat "$RUNZ_TEST_TMP/out2")'"
wait_for 60 no_runz_domain || docker_fail "a domain is left after docker run --rm"
docker_assert_clean

log "docker run -d: a zone, docker exec, docker top"
docker_ run -d --runtime=runz --name d1 "$DOCKER_IMAGE" /bin/sh -c 'trap "echo got-term; exit 0" TERM; sleep 1000 & wait' \
  >"$RUNZ_TEST_TMP/id" || docker_fail "docker run -d"
id=$(cat "$RUNZ_TEST_TMP/id")
[ -n "$(runz_domains)" ] || docker_fail "no runz domain while d1 runs"
xl list
runz --root "$DOCKER_RUNZ_ROOT" list
runz --root "$DOCKER_RUNZ_ROOT" list -q | grep -qx "$id" || docker_fail "runz does not list container $id"
[ "$(docker_ inspect -f '{{.State.Running}}' d1)" = true ] || docker_fail "d1 is not running"
docker_ exec d1 /bin/sh -c 'echo from-exec; exit 5' >"$RUNZ_TEST_TMP/exec"
rc=$?
cat "$RUNZ_TEST_TMP/exec"
[ "$rc" -eq 5 ] || docker_fail "docker exec exited $rc, want 5"
grep -qx from-exec "$RUNZ_TEST_TMP/exec" || docker_fail "docker exec's output is missing"
docker_ top d1 >"$RUNZ_TEST_TMP/top" 2>&1 || { cat "$RUNZ_TEST_TMP/top"; docker_fail "docker top"; }
cat "$RUNZ_TEST_TMP/top"
# dockerd runs ps on the host for the pids `runz ps` gives: the zone's monitor stands for the container there
mon=$(runz --root "$DOCKER_RUNZ_ROOT" state "$id" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
[ -n "$mon" ] || docker_fail "runz state $id has no pid"
awk 'NR > 1 {print $1}' "$RUNZ_TEST_TMP/top" | grep -qx "$mon" || docker_fail "docker top does not list the monitor (pid $mon)"

log "docker stop: SIGTERM reaches the process"
t0=$(cut -d. -f1 /proc/uptime)
docker_ stop -t 60 d1 || docker_fail "docker stop d1"
t1=$(cut -d. -f1 /proc/uptime)
log "docker stop d1 took $((t1 - t0)) s"
docker_ logs d1 | grep -qx got-term || docker_fail "the container did not see SIGTERM"
[ "$(docker_ inspect -f '{{.State.ExitCode}}' d1)" = 0 ] ||
  docker_fail "d1 exit code $(docker_ inspect -f '{{.State.ExitCode}}' d1), want 0 (its TERM trap)"
docker_ rm d1 || docker_fail "docker rm d1"

log "docker stop: SIGKILL after the timeout when SIGTERM is ignored"
docker_ run -d --runtime=runz --name d2 "$DOCKER_IMAGE" /bin/sh -c 'trap "" TERM; sleep 1000 & wait' >/dev/null ||
  docker_fail "docker run -d d2"
t0=$(cut -d. -f1 /proc/uptime)
docker_ stop -t 5 d2 || docker_fail "docker stop d2"
t1=$(cut -d. -f1 /proc/uptime)
log "docker stop -t 5 d2 took $((t1 - t0)) s"
[ "$((t1 - t0))" -ge 5 ] || docker_fail "docker stop -t 5 returned after $((t1 - t0)) s: the TERM was not ignored?"
[ "$(docker_ inspect -f '{{.State.ExitCode}}' d2)" = 137 ] ||
  docker_fail "d2 exit code $(docker_ inspect -f '{{.State.ExitCode}}' d2), want 137 (SIGKILL)"
docker_ rm d2 || docker_fail "docker rm d2"
wait_for 60 no_runz_domain || docker_fail "a domain is left after docker rm"
docker_assert_clean
exit 0
