#!/bin/sh
# A pod's zone is sized by its containers (issue "Resources that follow the workload"): the sandbox alone
# boots a small zone (192 MiB, 1 vCPU); each container that joins with a 256 MiB limit and a quota of one
# CPU grows it by 256 MiB and one vCPU (Xen's view, the zone's MemTotal and its online CPUs), and its
# removal shrinks it back. Inside the zone each container keeps its own limit: an exec in c1 that fills
# more than c1's 256 MiB is OOM-killed (137) in c1's cgroup while c2 still answers. Each container's stats
# are its own cgroup's (they grow when it allocates); `runz pause` of one container freezes its cgroup
# while its neighbour keeps counting; `runz update` of one changes its limit and the zone by the change.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root

# pod_bundle DIR TYPE RESOURCES_JSON: a busybox bundle in pod "pod1" that counts into /count
pod_bundle() {
  busybox_bundle "$1"
  cat >"$1/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "i=0; while :; do i=\$((i+1)); echo \$i >/count; sleep 0.3; done"], "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
  "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}], "resources": $3},
  "annotations": {"io.kubernetes.cri.container-type": "$2", "io.kubernetes.cri.sandbox-id": "pod1"}
}
JSON
}
trap 'for c in c1 c2 pod1; do runz --root "$ROOT" delete -f $c >/dev/null 2>&1; done' EXIT
LIMITS='{"memory": {"limit": 268435456}, "cpu": {"quota": 100000, "period": 100000}}'
pod_bundle "$RUNZ_TEST_TMP/sb" sandbox '{}'
pod_bundle "$RUNZ_TEST_TMP/c1" container "$LIMITS"
pod_bundle "$RUNZ_TEST_TMP/c2" container "$LIMITS"

rz() { runz --root "$ROOT" "$@"; }
xl_mem() { xl list | awk '$1 == "runz-pod1" {print $3}'; }
memtotal_mib() { rz exec pod1 awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo; }
online() { rz exec pod1 nproc; }
# wait_size MIB_AT_LEAST MIB_AT_MOST CPUS: Xen's view and the zone's online CPUs settle there
wait_size() {
  wait_for 120 sh -c "m=\$(xl list | awk '\$1 == \"runz-pod1\" {print \$3}'); [ \"\$m\" -ge $1 ] && [ \"\$m\" -le $2 ]" ||
    { show_zone_log "$ROOT" pod1; fail "xl list shows $(xl_mem) MiB for the pod's zone, want $1..$2"; }
  wait_for 60 sh -c "[ \"\$(runz --root $ROOT exec pod1 nproc)\" = $3 ]" ||
    { show_zone_log "$ROOT" pod1; fail "the zone has $(online) CPUs online, want $3"; }
}

log "the sandbox alone: a small zone"
rz create -b "$RUNZ_TEST_TMP/sb" pod1 </dev/null >/dev/null 2>&1 || { show_zone_log "$ROOT" pod1; fail "sandbox create failed"; }
rz start pod1 || fail "sandbox start failed"
wait_size 185 200 1
base_total=$(memtotal_mib)
log "sandbox: xl list $(xl_mem) MiB, MemTotal $base_total MiB, $(online) CPU"

log "c1 and c2 join, 256 MiB and one CPU each: the zone grows by both"
for c in c1 c2; do
  rz create -b "$RUNZ_TEST_TMP/$c" $c </dev/null >/dev/null 2>&1 || { show_zone_log "$ROOT" pod1; fail "$c create failed"; }
  rz start $c || fail "$c start failed"
done
wait_size 695 715 3
wait_for 60 sh -c "[ \$(runz --root $ROOT exec pod1 awk '/^MemTotal/ {print int(\$2 / 1024)}' /proc/meminfo) -ge $((base_total + 480)) ]" ||
  fail "the zone's MemTotal is $(memtotal_mib) MiB with both containers, want >= $((base_total + 480))"
log "with c1 and c2: xl list $(xl_mem) MiB, MemTotal $(memtotal_mib) MiB, $(online) CPUs"

log "stats are each container's own: c1's memory grows when it allocates"
cstat() { rz events --stats "$1" | grep -o "\"$2\":[0-9][0-9]*" | head -1 | cut -d: -f2; }
rz events --stats c1
[ "$(cstat c1 limit)" = 268435456 ] || fail "c1's stats say its limit is $(cstat c1 limit), want its 256 MiB"
before=$(cstat c1 usage)
[ "$before" -lt 67108864 ] || fail "c1's stats say it uses $before B before allocating: the zone's, not its own"
# awk's sprintf fills its string at once (a shell pipe would take minutes under emulation)
rz exec c1 awk 'BEGIN { s = sprintf("%100000000s", ""); system("sleep 60") }' >/dev/null 2>&1 &
hold=$!
wait_for 120 sh -c "[ \$(runz --root $ROOT events --stats c1 | grep -o '\"usage\":[0-9][0-9]*' | head -1 | cut -d: -f2) -gt 100000000 ]" ||
  fail "c1's memory usage stayed at $(cstat c1 usage) B while it held 100 MB (before: $before)"
log "c1 uses $(cstat c1 usage) B while holding 100 MB (before: $before)"
kill "$hold" 2>/dev/null; wait "$hold" 2>/dev/null

log "pause of c2 freezes it alone: c1 keeps counting"
rz pause c2 || fail "runz pause c2 failed"
rz state c2 | grep -q '"paused"' || fail "c2 is not paused: $(rz state c2)"
sleep 1
c2a=$(cat "$RUNZ_TEST_TMP/c2/rootfs/count"); c1a=$(cat "$RUNZ_TEST_TMP/c1/rootfs/count")
sleep 4
c2b=$(cat "$RUNZ_TEST_TMP/c2/rootfs/count"); c1b=$(cat "$RUNZ_TEST_TMP/c1/rootfs/count")
log "paused c2: $c2a -> $c2b; c1: $c1a -> $c1b"
[ "$c2a" = "$c2b" ] || fail "paused c2 went on counting: $c2a -> $c2b"
[ "$c1b" -gt "$c1a" ] || fail "c1 stopped counting while c2 was paused: $c1a -> $c1b"
rz resume c2 || fail "runz resume c2 failed"
rz state c2 | grep -q '"running"' || fail "c2 is not running after resume: $(rz state c2)"
wait_for 30 sh -c "[ \$(cat $RUNZ_TEST_TMP/c2/rootfs/count) -gt $c2b ]" || fail "c2 does not count after resume"

log "update of c2 to 384 MiB: its limit, and the zone grows by the 128 MiB more"
rz update --memory 384m c2 || fail "runz update --memory 384m c2 failed"
[ "$(cstat c2 limit)" = 402653184 ] || fail "c2's limit is $(cstat c2 limit) after update, want 402653184"
wait_size 825 845 3
rz update --memory 256m c2 || fail "runz update --memory 256m c2 failed"
wait_size 695 715 3

log "an exec in c1 past c1's 256 MiB is OOM-killed; c2 still answers"
rz exec c1 awk 'BEGIN { s = sprintf("%400000000s", ""); print "survived", length(s) }' >"$RUNZ_TEST_TMP/hog" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/hog"
[ "$rc" -eq 137 ] || fail "the exec that filled 400 MB in c1 exited $rc, want 137 (OOM-killed)"
[ "$(rz exec c2 echo alive)" = alive ] || fail "c2 does not answer after c1's OOM kill"
rz state c1 | grep -q '"running"' || fail "c1's own process is gone after its exec's OOM kill"

log "c1 leaves: the zone shrinks by its share"
rz delete -f c1 || fail "delete -f c1 failed"
wait_size 440 460 2
log "after c1: xl list $(xl_mem) MiB, $(online) CPUs"

rz delete -f c2 || fail "delete -f c2 failed"
wait_size 185 200 1
rz delete -f pod1 || fail "delete -f pod1 failed"
trap - EXIT
wait_for 30 sh -c "[ -z \"\$(xl list | awk 'NR>2')\" ]" || fail "the pod's domain is left"
assert_clean "$ROOT"
exit 0
