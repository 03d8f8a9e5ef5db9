# podman-lib.sh: helpers for the podman suite (sourced after testlib.sh). Runs in dom0, busybox sh.
# Podman 4.3 (Debian's podman and conmon) runs runz the way it runs any OCI runtime: `--runtime
# /usr/bin/runz`; conmon calls `runz create/start/state/kill/delete/exec` with runc's argv and keeps the
# zone's monitor as its child. Rootful, no systemd: cgroupfs, file events, CNI as network backend (netavark is
# not in the image; the CNI plugins are: the default network, 10.88.0.0/16, with portmap), overlay storage on a tmpfs, the image from
# `podman load` (the shim suite's layer as a docker archive).
. "$RUNZ_TEST_DIR/../shim/shim-lib.sh"
PODMAN_STORE=$RUNZ_TEST_TMP/podman-store
PODMAN_RUN=/run/runz-test-podman # short: conmon's attach sockets live under it
PODMAN_IMAGE=localhost/runz/busybox:podman
export CONTAINERS_CONF=$RUNZ_TEST_TMP/containers.conf
podman_() {
  podman --root "$PODMAN_STORE" --runroot "$PODMAN_RUN" --storage-driver overlay --cgroup-manager cgroupfs \
    --events-backend file "$@"
}

podman_fail() {
  echo "FAIL: $*"
  echo "--- podman ps -a"; podman_ ps -a 2>&1
  echo "--- runz state dirs under $PODMAN_RUN"; find "$PODMAN_RUN" -name state.json 2>/dev/null
  for f in $(find "$PODMAN_RUN" -name console.log 2>/dev/null); do echo "--- $f (tail)"; tail -n 20 "$f"; done
  exit 1
}

# start_podman: storage on a tmpfs, the configuration podman and its image library read
start_podman() {
  modprobe overlay 2>/dev/null
  mkdir -p "$PODMAN_STORE" "$PODMAN_RUN" /etc/containers /var/tmp # /var/tmp: podman's image copies
  chmod 1777 /var/tmp
  mount -t tmpfs -o size=256m tmpfs "$PODMAN_STORE" || fail "mount tmpfs for podman's storage"
  # what Debian's golang-github-containers-common ships and podman load insists on
  [ -f /etc/containers/policy.json ] ||
    echo '{"default":[{"type":"insecureAcceptAnything"}]}' >/etc/containers/policy.json
  cat >"$CONTAINERS_CONF" <<EOF
[engine]
conmon_path = ["/usr/bin/conmon"]
[network]
network_backend = "cni"
EOF
  podman_ version || podman_fail "podman version"
}

stop_podman() {
  umount "$PODMAN_STORE" 2>/dev/null
  return 0
}

# build_podman_image: the shim suite's busybox layer as a docker archive, `podman load`ed
build_podman_image() {
  build_docker_archive "$PODMAN_IMAGE" "$RUNZ_TEST_TMP/podman-image.tar"
  podman_ load -i "$RUNZ_TEST_TMP/podman-image.tar" || podman_fail "podman load"
  podman_ image exists "$PODMAN_IMAGE" || podman_fail "image $PODMAN_IMAGE not there after podman load"
}

runz_monitors() { pids_matching '^[^ ]*runz .*--root'; }
conmons() { pids_matching '^[^ ]*conmon '; }

# podman_cleanup (the tests' EXIT trap)
podman_cleanup() {
  podman_ rm -af -t 0 >/dev/null 2>&1
  for _p in $(conmons); do kill -9 "$_p" 2>/dev/null; done
  stop_podman
}

# podman_assert_clean: no runz domain, xenstore domain, runz monitor, 9pfs backend or conmon left
podman_assert_clean() {
  [ -z "$(runz_domains)" ] || podman_fail "runz domains left: $(runz_domains)"
  [ "$(xenstore_domids)" = "0" ] || podman_fail "xenstore domains left: $(xenstore_domids)"
  [ -z "$(pids_matching '^[^ ]*runz-p9-backend')" ] || podman_fail "9pfs backend left running"
  [ -z "$(runz_monitors)" ] || podman_fail "runz monitors left: pids $(runz_monitors)"
  [ -z "$(conmons)" ] || podman_fail "conmon processes left: pids $(conmons)"
  return 0
}
