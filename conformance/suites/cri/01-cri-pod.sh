#!/bin/sh
# Kubernetes' view: containerd 1.6's CRI plugin with runz as the runtime handler "runz", driven by runz-cri
# (a CRI client: RunPodSandbox, CreateContainer x2, StartContainer, ExecSync, StopContainer,
# RemoveContainer, StopPodSandbox, RemovePodSandbox). The pod is one zone: its sandbox builds the domain,
# both containers run inside that domain, each on its own rootfs; afterwards nothing is left.
# timeout: 1200
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/cri-lib.sh"
trap cleanup_cri EXIT
start_cri

host_pod_json pod1
# each writes its word to /mine in its rootfs and sleeps
container_json c1 'echo one >/mine; echo c1-up; exec sleep 100000'
container_json c2 'echo two >/mine; echo c2-up; exec sleep 100000'

log "RunPodSandbox with handler runz"
pod=$(cri runp --runtime runz "$RUNZ_TEST_TMP/pod.json") || shim_fail "RunPodSandbox failed"
log "pod $pod"
[ "$(runz_domains | wc -l)" = 1 ] || shim_fail "want one domain for the pod, have: $(runz_domains | tr '\n' ' ')"
domain=$(runz_domains)

log "CreateContainer x2, StartContainer x2"
c1=$(cri create "$pod" "$RUNZ_TEST_TMP/c1.json" "$RUNZ_TEST_TMP/pod.json") || shim_fail "CreateContainer c1 failed"
c2=$(cri create "$pod" "$RUNZ_TEST_TMP/c2.json" "$RUNZ_TEST_TMP/pod.json") || shim_fail "CreateContainer c2 failed"
cri start "$c1" || shim_fail "StartContainer c1 failed"
cri start "$c2" || shim_fail "StartContainer c2 failed"
cri ps
[ "$(cri ps | grep -c CONTAINER_RUNNING)" = 2 ] || shim_fail "both containers should be running"
[ "$(runz_domains)" = "$domain" ] || shim_fail "the containers are not in the pod's domain: $(runz_domains | tr '\n' ' ')"
wait_for 60 grep -q c1-up "$RUNZ_TEST_TMP/pod-logs/c1.log" || shim_fail "no c1-up in c1's log"

log "ExecSync: each container sees its own rootfs"
out=$(cri exec "$c1" -- cat /mine) || shim_fail "ExecSync in c1 failed"
[ "$out" = one ] || shim_fail "c1 sees /mine '$out', want one"
out=$(cri exec "$c2" -- cat /mine) || shim_fail "ExecSync in c2 failed"
[ "$out" = two ] || shim_fail "c2 sees /mine '$out', want two"
cri exec "$c1" -- sh -c 'echo err >&2; exit 5' 2>"$RUNZ_TEST_TMP/exec.err"
rc=$?
[ "$rc" = 5 ] || shim_fail "ExecSync exit code $rc, want 5"
grep -q err "$RUNZ_TEST_TMP/exec.err" || shim_fail "ExecSync stderr missing"

log "StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox"
cri stop --timeout 10 "$c1" || shim_fail "StopContainer c1 failed"
cri inspect "$c1" | grep -q CONTAINER_EXITED || shim_fail "c1 not exited after StopContainer"
cri rm "$c1" || shim_fail "RemoveContainer c1 failed"
[ "$(runz_domains)" = "$domain" ] || shim_fail "the pod's domain went with c1"
cri exec "$c2" -- cat /mine >/dev/null || shim_fail "c2 no longer answers after c1 was removed"
cri stopp "$pod" || shim_fail "StopPodSandbox failed"
cri rmp "$pod" || shim_fail "RemovePodSandbox failed"
[ -z "$(cri ps)" ] || shim_fail "containers left: $(cri ps)"
[ -z "$(cri pods)" ] || shim_fail "pods left: $(cri pods)"
wait_for 60 no_shim || shim_fail "shim still running after the pod was removed"
assert_clean
exit 0
