# docker-lib.sh: helpers for the docker suite (sourced after testlib.sh). Runs in dom0, busybox sh.
# Docker 20.10 (dockerd and the docker CLI from Debian's docker.io) with runz configured the way a user
# configures it, in daemon.json: "runtimes": {"runz": {"path": "/usr/bin/runz"}}. That is the runc-shim
# path: dockerd -> containerd -> containerd-shim-runc-v2, which runs `runz create/start/state/kill/delete/
# exec` with runc's argv. dockerd uses the shim suite's private containerd (its timeouts fit the emulator).
. "$RUNZ_TEST_DIR/../shim/shim-lib.sh"
DOCKER_SOCK=/run/runz-test-docker.sock
DOCKER_EXEC=/run/runz-test-docker # short: dockerd puts unix sockets under it
DOCKER_DATA=$RUNZ_TEST_TMP/docker-data
DOCKER_LOG=$RUNZ_TEST_TMP/dockerd.log
DOCKER_IMAGE=runz/busybox:docker
# the runc shim's runz --root: Docker 20.10 gives every runtime with a "path" <exec-root>/runtime-runc, and
# containerd-shim-runc-v2 adds the namespace
DOCKER_RUNZ_ROOT=$DOCKER_EXEC/runtime-runc/moby
docker_() { docker -H "unix://$DOCKER_SOCK" "$@"; }

docker_fail() {
  echo "FAIL: $*"
  echo "--- docker ps -a"; docker_ ps -a 2>&1
  echo "--- runz list ($DOCKER_RUNZ_ROOT)"; runz --root "$DOCKER_RUNZ_ROOT" list 2>&1
  echo "--- dockerd log (tail)"; tail -n 60 "$DOCKER_LOG" 2>/dev/null
  for f in "$DOCKER_RUNZ_ROOT"/*/console.log; do
    [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 20 "$f"; }
  done
  for f in "$CD"/state/io.containerd.runtime.v2.task/moby/*/log.json; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
  done
  dump_logs
  exit 1
}

# start_docker: containerd (shim-lib), then dockerd on it with its defaults for networking: the default
# bridge network (docker0; each container's veth becomes its zone's NIC), iptables on (NAT, published ports'
# DNAT, the userland proxy for 127.0.0.1), overlay2 on a tmpfs, runz as runtime "runz" from daemon.json.
start_docker() {
  start_containerd
  mkdir -p "$DOCKER_DATA" "$DOCKER_EXEC"
  mount -t tmpfs -o size=256m tmpfs "$DOCKER_DATA" || fail "mount tmpfs for docker's data root"
  cat >"$RUNZ_TEST_TMP/daemon.json" <<EOF
{
  "runtimes": { "runz": { "path": "/usr/bin/runz" } },
  "storage-driver": "overlay2"
}
EOF
  dockerd --config-file "$RUNZ_TEST_TMP/daemon.json" --containerd "$SOCK" --data-root "$DOCKER_DATA" \
    --exec-root "$DOCKER_EXEC" --pidfile "$DOCKER_EXEC.pid" -H "unix://$DOCKER_SOCK" --debug \
    >"$DOCKER_LOG" 2>&1 &
  DOCKERD_PID=$!
  wait_for 120 docker_ version || docker_fail "dockerd did not come up"
  log "dockerd up (pid $DOCKERD_PID)"
  docker_ info 2>/dev/null | grep -i 'runtimes'
  docker_ info 2>/dev/null | grep -i 'runtimes' | grep -qw runz || docker_fail "runtime runz not in docker info"
}

stop_docker() {
  [ -n "${DOCKERD_PID:-}" ] || return 0
  kill "$DOCKERD_PID" 2>/dev/null
  wait_for 30 sh -c "! kill -0 $DOCKERD_PID" || kill -9 "$DOCKERD_PID" 2>/dev/null
  DOCKERD_PID=
  umount "$DOCKER_DATA" 2>/dev/null
}

# docker_cleanup (the tests' EXIT trap): containers, dockerd, runz state left, then shim-lib's cleanup
docker_cleanup() {
  if [ -n "${DOCKERD_PID:-}" ]; then
    for _c in $(docker_ ps -aq 2>/dev/null); do docker_ rm -f "$_c" >/dev/null 2>&1; done
  fi
  stop_docker
  for _d in "$DOCKER_RUNZ_ROOT"/*; do
    [ -d "$_d" ] && runz --root "$DOCKER_RUNZ_ROOT" delete --force "$(basename "$_d")" 2>/dev/null
  done
  for _p in $(runc_shims); do kill -9 "$_p" 2>/dev/null; done
  cleanup
}

# build_docker_image: the shim suite's busybox layer as a `docker save` archive, `docker load`ed
# (Docker 20.10 loads that format, not an OCI layout)
build_docker_image() {
  build_docker_archive "$DOCKER_IMAGE" "$RUNZ_TEST_TMP/docker-image.tar"
  docker_ load -i "$RUNZ_TEST_TMP/docker-image.tar" || docker_fail "docker load"
  docker_ image ls | grep -q '^runz/busybox  *docker ' || docker_fail "image $DOCKER_IMAGE not listed after docker load"
}

runz_monitors() { pids_matching "^[^ ]*runz --root $DOCKER_RUNZ_ROOT"; }
runc_shims() { pids_matching '^[^ ]*containerd-shim-runc-v2 .*-namespace moby'; }

# docker_assert_clean: no runz domain, xenstore domain, runz monitor, 9pfs backend, runc shim or runz state
docker_assert_clean() {
  [ -z "$(runz_domains)" ] || docker_fail "runz domains left: $(runz_domains)"
  [ "$(xenstore_domids)" = "0" ] || docker_fail "xenstore domains left: $(xenstore_domids)"
  [ -z "$(pids_matching '^[^ ]*runz-p9-backend')" ] || docker_fail "9pfs backend left running"
  [ -z "$(runz_monitors)" ] || docker_fail "runz monitors left: pids $(runz_monitors)"
  [ -z "$(runc_shims)" ] || docker_fail "runc shims left: pids $(runc_shims)"
  [ -z "$(vifs_left)" ] || docker_fail "zone NICs left: $(vifs_left)"
  _left=$(ls -A "$DOCKER_RUNZ_ROOT" 2>/dev/null)
  [ -z "$_left" ] || docker_fail "runz state left in $DOCKER_RUNZ_ROOT: $_left"
  return 0
}
