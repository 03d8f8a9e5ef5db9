# cri-lib.sh: helpers for the cri suite (sourced after testlib.sh). containerd's CRI plugin with runz as the
# runtime handler "runz" (shim-lib's containerd with CD_CRI=1), driven by runz-cri, our CRI client.
. "$RUNZ_TEST_DIR/../shim/shim-lib.sh"
NS=k8s.io
CRI_SANDBOX_IMAGE=docker.io/runz/pause:test
CD_CRI=1
CNI_SUBNET=10.85.0.0/16 CNI_GATEWAY=10.85.0.1
cri() { /payload/bin/runz-cri --socket "$SOCK" --timeout 600 "$@"; }

# cleanup_cri (the tests' EXIT trap): pods left by a failure, then shim-lib's cleanup
cleanup_cri() {
  if [ -n "${CD_PID:-}" ]; then
    for _p in $(cri pods 2>/dev/null | awk '{print $1}'); do
      cri stopp "$_p" >/dev/null 2>&1
      cri rmp "$_p" >/dev/null 2>&1
    done
  fi
  cleanup
  # the CNI bridge plugin leaves its bridge and host-local its leases: nothing of the network stays for
  # the next suite
  if [ "${CD_CNI:-0}" = 1 ]; then
    ip link del cni0 2>/dev/null
    rm -rf /var/lib/cni/networks/runz-pods
  fi
  return 0
}

# host_pod_json NAME: $RUNZ_TEST_TMP/pod.json, a pod on dom0's network (namespace_options.network NODE)
host_pod_json() {
  cat >"$RUNZ_TEST_TMP/pod.json" <<JSON
{"metadata": {"name": "$1", "namespace": "default", "uid": "$1-uid", "attempt": 1},
 "log_directory": "$RUNZ_TEST_TMP/pod-logs",
 "linux": {"security_context": {"namespace_options": {"network": 2}}}}
JSON
}
# container_json NAME SCRIPT [RESOURCES]: $RUNZ_TEST_TMP/NAME.json, a container of $IMAGE running
# `sh -c SCRIPT` (a JSON string's content) in its own PID namespace on the pod's network, logging to NAME.log;
# RESOURCES: CreateContainer's linux.resources as JSON
container_json() {
  _resources=
  [ -z "${3:-}" ] || _resources="\"resources\": $3, "
  cat >"$RUNZ_TEST_TMP/$1.json" <<JSON
{"metadata": {"name": "$1"}, "image": {"image": "$IMAGE"},
 "command": ["/bin/sh", "-c", "$2"],
 "log_path": "$1.log",
 "linux": {$_resources"security_context": {"namespace_options": {"network": 2, "pid": 1}}}}
JSON
}

# start_cri: containerd with its CRI plugin, the sandbox (pause) image and the app image ($IMAGE) imported
start_cri() {
  # CRI copies the host's /etc/hosts and resolv.conf into a host-network pod
  [ -f /etc/resolv.conf ] || : >/etc/resolv.conf
  [ -f /etc/hosts ] || echo "127.0.0.1 localhost" >/etc/hosts
  start_containerd
  _app_image=$IMAGE
  IMAGE=$CRI_SANDBOX_IMAGE IMAGE_CMD='["/bin/sleep","100000000"]'
  build_image
  IMAGE=$_app_image IMAGE_CMD=
  build_image
  cri version || shim_fail "no CRI on containerd's socket"
}
