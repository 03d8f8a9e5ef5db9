#!/bin/sh
# Kubernetes' view of a pod's resources (issue "Resources that follow the workload"), through containerd's
# CRI plugin: a pod whose two containers each ask for 256 MiB and one CPU (limits in CreateContainer's
# linux.resources, as the kubelet passes them) gets a zone that grows by both (xl list, the zone's MemTotal
# and online CPUs). `ctr task metrics` of c1 shows c1's own memory and limit, and its usage grows while an
# exec in c1 holds 100 MB; `ctr task pause` of c2 freezes c2 alone (c1 keeps counting), resume goes on.
# c1's main process allocating past its limit is OOM-killed alone: ContainerStatus says exit 137 and reason
# OOMKilled (containerd's CRI plugin sets that reason only from the shim's /tasks/oom event) while c2 still
# answers ExecSync; removing c1 shrinks the zone by its share; nothing is left after.
# timeout: 1200
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/cri-lib.sh"
trap cleanup_cri EXIT
start_cri

host_pod_json pod3
# count NAME THEN: a script that prints a count until /hog exists, then runs THEN
count() { printf "%s\n" "i=0; while [ ! -e /hog ]; do i=\$((i+1)); echo $1 \$i; sleep 0.3; done; $2"; }
limits='{"memory_limit_in_bytes": 268435456, "cpu_period": 100000, "cpu_quota": 100000}'
# c1's main process fills 400 MB past its 256 MiB once /hog exists (awk's sprintf fills its string at once)
container_json c1 "$(count c1 'exec busybox awk '"'"'BEGIN { s = sprintf(\"%400000000s\", \"\"); print length(s) }'"'"'')" "$limits"
container_json c2 "$(count c2 'exec sleep 100000')" "$limits"

pod=$(cri runp --runtime runz "$RUNZ_TEST_TMP/pod.json") || shim_fail "RunPodSandbox failed"
domain=$(runz_domains)
[ "$(echo "$domain" | wc -l)" = 1 ] && [ -n "$domain" ] || shim_fail "want one domain for the pod, have: $domain"
xl_mem() { xl list | awk -v d="$domain" '$1 == d {print $3}'; }
wait_for 60 sh -c "[ -n \"\$(xl list | awk -v d=$domain '\$1 == d {print \$3}')\" ]" || shim_fail "no $domain in xl list"
base=$(xl_mem)
log "pod $pod: domain $domain, xl list $base MiB"

# in_c1 CMD...: ExecSync in c1, its stdout
in_c1() { cri exec "$c1" -- "$@"; }
online() { in_c1 busybox nproc; }
memtotal_mib() { in_c1 busybox awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo; }
# wait_size MIB_AT_LEAST MIB_AT_MOST CPUS CID: Xen's view and the zone's online CPUs (seen from CID) settle there
wait_size() {
  wait_for 120 sh -c "m=\$(xl list | awk -v d=$domain '\$1 == d {print \$3}'); [ \"\$m\" -ge $1 ] && [ \"\$m\" -le $2 ]" ||
    { dump_logs; shim_fail "xl list shows $(xl_mem) MiB for the pod's zone, want $1..$2"; }
  wait_for 60 sh -c "[ \"\$(/payload/bin/runz-cri --socket $SOCK exec $4 -- busybox nproc)\" = $3 ]" ||
    shim_fail "the zone has $(cri exec "$4" -- busybox nproc) CPUs online, want $3"
}

log "CreateContainer c1 and c2 (256 MiB, one CPU each), StartContainer"
c1=$(cri create "$pod" "$RUNZ_TEST_TMP/c1.json" "$RUNZ_TEST_TMP/pod.json") || shim_fail "CreateContainer c1 failed"
c2=$(cri create "$pod" "$RUNZ_TEST_TMP/c2.json" "$RUNZ_TEST_TMP/pod.json") || shim_fail "CreateContainer c2 failed"
cri start "$c1" || shim_fail "StartContainer c1 failed"
# c2 starts once the zone has taken c1's share: a 9pfs device added while the zone kernel is still
# hot-plugging memory once failed to connect (Xen refused the ring pages it granted: "Error mfn ...
# od=NULL"), an open bug of #19 that this test does not cover
wait_for 60 grep -q 'c1 1' "$RUNZ_TEST_TMP/pod-logs/c1.log" || shim_fail "c1 does not count in its log"
wait_size $((base + 250)) $((base + 265)) 2 "$c1"
cri start "$c2" || shim_fail "StartContainer c2 failed"
[ "$(runz_domains)" = "$domain" ] || shim_fail "the containers are not in the pod's domain: $(runz_domains | tr '\n' ' ')"
wait_size $((base + 500)) $((base + 525)) 3 "$c1"
total=$(memtotal_mib)
log "with c1 and c2: xl list $(xl_mem) MiB (sandbox alone: $base), MemTotal $total MiB, $(online) CPUs"
[ "$total" -ge 600 ] || shim_fail "the zone's MemTotal is $total MiB with both containers, want >= 600"

log "ctr task metrics of c1: its own cgroup's memory"
metric() { ctr_ task metrics "$1" | awk -v m="$2" '$1 == m {print $2}'; }
ctr_ task metrics "$c1" || shim_fail "ctr task metrics $c1 failed"
[ "$(metric "$c1" memory.usage_limit)" = 268435456 ] ||
  shim_fail "c1's metrics say its limit is $(metric "$c1" memory.usage_limit), want its 256 MiB"
before=$(metric "$c1" memory.usage)
[ -n "$before" ] && [ "$before" -lt 67108864 ] || shim_fail "c1's memory.usage is '$before' before it allocates: not its own"
in_c1 busybox awk 'BEGIN { s = sprintf("%100000000s", ""); system("sleep 60") }' >/dev/null 2>&1 &
hold=$!
wait_for 120 sh -c "[ \"\$(ctr --address $SOCK --namespace $NS task metrics $c1 | awk '\$1 == \"memory.usage\" {print \$2}')\" -gt 100000000 ]" ||
  shim_fail "c1's memory.usage stayed at $(metric "$c1" memory.usage) while it held 100 MB (before: $before)"
log "c1's memory.usage: $before -> $(metric "$c1" memory.usage) while holding 100 MB"
kill "$hold" 2>/dev/null; wait "$hold" 2>/dev/null

log "ctr task pause of c2 freezes c2 alone"
lines() { wc -l <"$RUNZ_TEST_TMP/pod-logs/$1.log"; }
ctr_ task pause "$c2" || shim_fail "ctr task pause $c2 failed"
ctr_ task ls | grep "^$c2 " | grep -q PAUSED || shim_fail "c2 is not PAUSED: $(ctr_ task ls | grep "^$c2 ")"
sleep 1
c2a=$(lines c2); c1a=$(lines c1)
sleep 4
c2b=$(lines c2); c1b=$(lines c1)
log "paused c2: $c2a -> $c2b log lines; c1: $c1a -> $c1b"
[ "$c2a" = "$c2b" ] || shim_fail "paused c2 went on counting: $c2a -> $c2b"
[ "$c1b" -gt "$c1a" ] || shim_fail "c1 stopped counting while c2 was paused: $c1a -> $c1b"
ctr_ task resume "$c2" || shim_fail "ctr task resume $c2 failed"
wait_for 30 sh -c "[ \$(wc -l <$RUNZ_TEST_TMP/pod-logs/c2.log) -gt $c2b ]" || shim_fail "c2 does not count after resume"

log "c1's main process allocates past its 256 MiB: OOM-killed alone"
in_c1 sh -c ': >/hog' || shim_fail "ExecSync in c1 failed"
wait_for 120 sh -c "cri() { /payload/bin/runz-cri --socket $SOCK \"\$@\"; }; cri inspect $c1 | grep -q CONTAINER_EXITED" ||
  shim_fail "c1 did not exit after allocating past its limit"
cri inspect "$c1" >"$RUNZ_TEST_TMP/c1.status"
grep -E '"(state|exitCode|reason)"' "$RUNZ_TEST_TMP/c1.status"
grep -q '"exitCode": 137' "$RUNZ_TEST_TMP/c1.status" || shim_fail "c1 exited with another code than 137"
grep -q '"reason": "OOMKilled"' "$RUNZ_TEST_TMP/c1.status" ||
  shim_fail "containerd did not see c1 OOM-killed (no /tasks/oom from the shim?)"
[ "$(cri exec "$c2" -- echo alive)" = alive ] || shim_fail "c2 does not answer ExecSync after c1's OOM kill"

log "RemoveContainer c1: the zone shrinks by its share"
cri rm "$c1" || shim_fail "RemoveContainer c1 failed"
wait_size $((base + 245)) $((base + 270)) 2 "$c2"
log "after c1: xl list $(xl_mem) MiB"

cri stop --timeout 10 "$c2" || shim_fail "StopContainer c2 failed"
cri rm "$c2" || shim_fail "RemoveContainer c2 failed"
cri stopp "$pod" || shim_fail "StopPodSandbox failed"
cri rmp "$pod" || shim_fail "RemovePodSandbox failed"
[ -z "$(cri pods)" ] || shim_fail "pods left: $(cri pods)"
wait_for 60 no_shim || shim_fail "shim still running after the pod was removed"
assert_clean
exit 0
