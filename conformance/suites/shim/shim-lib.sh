# shim-lib.sh: helpers for the shim suite (sourced after testlib.sh). Runs in dom0, busybox sh.
# A private containerd (own config, root and state under $RUNZ_TEST_TMP, log at debug level), an OCI image
# built offline from busybox-static, and the checks that nothing of a task is left behind.
RUNTIME=io.containerd.runz.v2
IMAGE=docker.io/runz/busybox:test
NS=default
CD=$RUNZ_TEST_TMP/containerd
SOCK=$CD/containerd.sock
CD_LOG=$RUNZ_TEST_TMP/containerd.log
RUNZ_SHIM_ROOT=/run/containerd/runz   # the shim's runz --root is <this>/<namespace>

ctr_() { ctr --address "$SOCK" --namespace "$NS" "$@"; }

# On failure: what containerd, runz and the zones said.
dump_logs() {
  echo "--- runz list ($RUNZ_SHIM_ROOT/$NS)"
  runz --root "$RUNZ_SHIM_ROOT/$NS" list 2>&1
  echo "--- containerd log (tail)"
  tail -n 80 "$CD_LOG" 2>/dev/null
  for f in "$RUNZ_SHIM_ROOT/$NS"/*/console.log; do
    [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 20 "$f"; }
  done
  for f in "$RUNZ_TEST_TMP"/sanitizer.*; do
    [ -f "$f" ] && { echo "--- $f"; cat "$f"; }
  done
  for f in "$CD"/state/io.containerd.runtime.v2.task/"$NS"/*/log.json; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
  done
}
shim_fail() {
  echo "FAIL: $*"
  dump_logs
  exit 1
}

# start_containerd: containerd with its own root (a tmpfs, so overlayfs has xattrs) and state, debug log.
# With CD_CRI=1 its CRI plugin serves too, with runz as the runtime handler "runz" and $CRI_SANDBOX_IMAGE
# as the pods' sandbox (pause) image; with CD_CNI=1 also a CNI bridge network (cni0, $CNI_SUBNET, the
# Debian containernetworking-plugins' bridge (with NAT) + host-local + portmap, as Kubernetes' docs set
# containerd up) for pods with their own network. Not Podman's 10.88.0.0/16: both suites share a boot, and
# the bridge the CNI plugin leaves behind would route Podman's subnet away from Podman's own bridge.
start_containerd() {
  modprobe overlay 2>/dev/null
  mkdir -p "$CD/root" "$CD/state"
  mount -t tmpfs -o size=256m tmpfs "$CD/root" || fail "mount tmpfs for containerd's root"
  _disabled='"io.containerd.grpc.v1.cri", '
  [ "${CD_CRI:-0}" = 1 ] && _disabled=
  cat >"$CD/config.toml" <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = [$_disabled"io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
# The emulated host is slow (runz state takes seconds, runz delete --force of a zone longer): containerd's
# defaults (task state 2 s, shim cleanup 5 s) would time out and kill what the shim runs.
[timeouts]
  "io.containerd.timeout.task.state" = "60s"
  "io.containerd.timeout.shim.cleanup" = "120s"
  "io.containerd.timeout.shim.load" = "60s"
  "io.containerd.timeout.shim.shutdown" = "60s"
EOF
  if [ "${CD_CRI:-0}" = 1 ]; then
    mkdir -p "$CD/cni"
    [ "${CD_CNI:-0}" = 1 ] && cat >"$CD/cni/10-runz-pods.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "runz-pods",
 "plugins": [{"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true,
              "ipam": {"type": "host-local", "ranges": [[{"subnet": "$CNI_SUBNET"}]],
                       "routes": [{"dst": "0.0.0.0/0"}]}},
             {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
    cat >>"$CD/config.toml" <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$CRI_SANDBOX_IMAGE"
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "$CD/cni"
    bin_dir = "/usr/lib/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runz"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runz]
      runtime_type = "$RUNTIME"
EOF
  fi
  # The shim inherits containerd's environment: a sanitizer build of it (--add) reports into files here.
  ASAN_OPTIONS="log_path=$RUNZ_TEST_TMP/sanitizer:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    UBSAN_OPTIONS="log_path=$RUNZ_TEST_TMP/sanitizer:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    containerd --config "$CD/config.toml" --log-level debug >"$CD_LOG" 2>&1 &
  CD_PID=$!
  wait_for 60 ctr_ version || shim_fail "containerd did not come up"
  log "containerd up (pid $CD_PID)"
}

# cleanup (the tests' EXIT trap): after a failure, leave nothing for the next test: tasks, containers,
# containerd, then whatever runz state is still there. After a passing test this finds nothing.
cleanup() {
  if [ -n "${CD_PID:-}" ]; then
    for _t in $(ctr_ task ls -q 2>/dev/null); do ctr_ task kill -s 9 "$_t" 2>/dev/null; ctr_ task rm -f "$_t" 2>/dev/null; done
    for _c in $(ctr_ c ls -q 2>/dev/null); do ctr_ c rm "$_c" 2>/dev/null; done
  fi
  stop_containerd
  for _d in "$RUNZ_SHIM_ROOT/$NS"/*; do
    [ -d "$_d" ] && runz --root "$RUNZ_SHIM_ROOT/$NS" delete --force "$(basename "$_d")" 2>/dev/null
  done
  for _p in $(shim_procs); do kill -9 "$_p" 2>/dev/null; done
  return 0
}

stop_containerd() {
  [ -n "${CD_PID:-}" ] || return 0
  kill "$CD_PID" 2>/dev/null
  wait_for 20 sh -c "! kill -0 $CD_PID" || kill -9 "$CD_PID" 2>/dev/null
  CD_PID=
  umount "$CD/root" 2>/dev/null
}

# sha256 FILE: the hex digest
sha256() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }

# blob FILE: copies FILE into the layout's blobs as sha256:<digest>; prints "<digest> <size>"
blob() {
  _d=$(sha256 "$1")
  _s=$(size "$1")
  cp "$1" "$L/blobs/sha256/$_d"
  echo "$_d $_s"
}

# build_layer: one uncompressed layer (busybox-static and applet links) and the image config naming it
# (its Cmd: $IMAGE_CMD, a JSON array, /bin/sh by default); sets LAYER_TAR, LAYER_DIGEST, CONFIG_JSON and
# CONFIG_DIGEST
build_layer() {
  R=$RUNZ_TEST_TMP/layer-root
  rm -rf "$R"
  mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/etc"
  cp /bin/busybox "$R/bin/busybox" || fail "no /bin/busybox in dom0"
  for a in sh echo cat sleep ls ps true false id hostname uname mkdir ip ping nc printf sed httpd nslookup; do ln -s busybox "$R/bin/$a"; done
  LAYER_TAR=$RUNZ_TEST_TMP/layer.tar
  (cd "$R" && tar -cf "$LAYER_TAR" bin proc dev sys tmp etc) || fail "tar layer"
  LAYER_DIGEST=$(sha256 "$LAYER_TAR")
  CONFIG_JSON=$RUNZ_TEST_TMP/config.json
  _cmd='["/bin/sh"]'
  [ -z "${IMAGE_CMD:-}" ] || _cmd=$IMAGE_CMD
  cat >"$CONFIG_JSON" <<EOF
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/bin"],"Cmd":$_cmd,"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$LAYER_DIGEST"]}}
EOF
  CONFIG_DIGEST=$(sha256 "$CONFIG_JSON")
}

# build_image: build_layer's image as an OCI image layout written by hand, archived with tar and imported
# with `ctr image import`. No registry, no network.
build_image() {
  build_layer
  L=$RUNZ_TEST_TMP/oci
  rm -rf "$L"
  mkdir -p "$L/blobs/sha256"
  set -- $(blob "$LAYER_TAR")
  layer_digest=$1 layer_size=$2
  set -- $(blob "$CONFIG_JSON")
  config_digest=$1 config_size=$2
  cat >"$RUNZ_TEST_TMP/manifest.json" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config_digest","size":$config_size},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:$layer_digest","size":$layer_size}]}
EOF
  set -- $(blob "$RUNZ_TEST_TMP/manifest.json")
  manifest_digest=$1 manifest_size=$2
  cat >"$L/index.json" <<EOF
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "digest":"sha256:$manifest_digest","size":$manifest_size,
 "platform":{"architecture":"amd64","os":"linux"},
 "annotations":{"io.containerd.image.name":"$IMAGE","org.opencontainers.image.ref.name":"test"}}]}
EOF
  echo '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"
  (cd "$L" && tar -cf "$RUNZ_TEST_TMP/image.tar" oci-layout index.json blobs) || fail "tar image"
  ctr_ image import "$RUNZ_TEST_TMP/image.tar" || shim_fail "ctr image import"
  ctr_ image ls | grep -q "^$IMAGE " || shim_fail "image $IMAGE not listed after import"
  log "image $IMAGE imported (manifest sha256:$manifest_digest)"
}

# build_docker_archive TAG FILE: build_layer's image as a `docker save` archive named TAG in FILE (the
# format Docker 20.10's and Podman's `load` read)
build_docker_archive() {
  build_layer
  _a=$RUNZ_TEST_TMP/docker-archive
  rm -rf "$_a"
  mkdir -p "$_a/$LAYER_DIGEST"
  cp "$LAYER_TAR" "$_a/$LAYER_DIGEST/layer.tar"
  cp "$CONFIG_JSON" "$_a/$CONFIG_DIGEST.json"
  echo "[{\"Config\":\"$CONFIG_DIGEST.json\",\"RepoTags\":[\"$1\"],\"Layers\":[\"$LAYER_DIGEST/layer.tar\"]}]" \
    >"$_a/manifest.json"
  (cd "$_a" && tar -cf "$2" manifest.json "$CONFIG_DIGEST.json" "$LAYER_DIGEST") || fail "tar $2"
}

# check_shell_session FAILFN RC OUT ERR STATUS: a `runz-recvtty --spawn` session (exit RC, terminal output
# in OUT, its report in ERR) with a shell that ended on the typed line `echo typed-$((6*7)); exit STATUS`:
# the client exited STATUS, that line ran and was echoed once (a second echo: a cooked pty on the way)
check_shell_session() {
  echo "--- terminal"; cat "$3"; echo; echo "--- recvtty"; cat "$4"
  [ "$2" = 0 ] || $1 "the terminal session did not go as expected (runz-recvtty exit $2)"
  grep -q "command exited $5" "$4" || $1 "the client did not exit $5"
  grep -q 'typed-42' "$3" || $1 "last command's output missing"
  _echoes=$(grep -o 'echo typed-\$((6\*7))' "$3" | wc -l)
  [ "$_echoes" = 1 ] || $1 "typed input echoed $_echoes times, want once"
}

runz_domains() { other_domains | grep '^runz-'; }
no_runz_domain() { [ -z "$(runz_domains)" ]; }
shim_procs() { pids_matching '^[^ ]*containerd-shim-runz-v2 '; }
no_shim() { [ -z "$(shim_procs)" ]; }

# assert_clean [ID]: no runz domain, xenstore domain, shim, monitor, 9pfs backend, runz state or bundle left
assert_clean() {
  [ -z "$(runz_domains)" ] || shim_fail "runz domains left: $(runz_domains)"
  [ "$(xenstore_domids)" = "0" ] || shim_fail "xenstore domains left: $(xenstore_domids)"
  [ -z "$(shim_procs)" ] || shim_fail "shim processes left: $(shim_procs)"
  [ -z "$(pids_matching '^[^ ]*runz-p9-backend')" ] || shim_fail "9pfs backend left running"
  [ -z "$(vifs_left)" ] || shim_fail "zone NICs left: $(vifs_left)"
  # the monitor is a fork of `runz --root <shim root> create ...` (no exec), so it has that command line
  _mon=$(pids_matching "^[^ ]*runz --root $RUNZ_SHIM_ROOT")
  [ -z "$_mon" ] || shim_fail "runz monitor left: pids $_mon"
  _left=$(ls -A "$RUNZ_SHIM_ROOT/$NS" 2>/dev/null)
  [ -z "$_left" ] || shim_fail "runz state left in $RUNZ_SHIM_ROOT/$NS: $_left"
  if [ -n "${1:-}" ]; then
    [ ! -e "$CD/state/io.containerd.runtime.v2.task/$NS/$1" ] || shim_fail "bundle dir of $1 left"
    ! grep -q " $CD/state/io.containerd.runtime.v2.task/$NS/$1/rootfs " /proc/mounts || shim_fail "rootfs mount of $1 left"
  fi
  ls /run/containerd/s 2>/dev/null | grep -q . && shim_fail "shim sockets left: $(ls /run/containerd/s)"
  return 0
}
