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
