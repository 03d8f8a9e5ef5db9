#!/bin/sh
# `runz update` changes a running zone live and `runz events` reports what it uses. A memory limit of
# 128 MiB boots a 192 MiB zone (64 MiB for the zone's own kernel) with 1 vCPU; `update --memory 96m` makes
# it 160 MiB: the balloon target in xenstore, Xen's view (xl list) and the zone's own MemTotal shrink;
# `--memory 384m` grows it past its boot size to 448 MiB (the zone kernel hot-plugs the memory), `-1` takes
# it back to its boot size, and 64g, past the zone's maximum, is refused with a message naming it. A CPU
# quota of 2 CPUs brings a second vCPU online in the zone (nproc says 2) and a quota of 1 takes it away
# again; past the maximum is refused. The maximums are the host's (/etc/runz/runz.json, here RUNZ_CONFIG:
# 1024 MiB and 2 vCPUs), and a config file that does not parse stops create with a message naming it. CPU shares and quota become the Xen scheduler's weight and cap;
# `--resources -` reads LinuxResources JSON from stdin. Each update also reaches the container's own cgroup
# in the zone (memory.max, cpu.max), as runc's reaches the container's cgroup on a host.
# `events --stats` prints runc's stats event with the domain's numbers; `events --interval` streams them.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
busybox_bundle "$B"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "echo main-up; exec sleep 1000"],
              "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
             {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "ro"]}],
  "linux": {"namespaces": [{"type": "mount"}, {"type": "cgroup"}], "resources": {"memory": {"limit": 134217728}}}
}
JSON
rz() { runz --root "$ROOT" "$@"; }
echo '{"zone": {"maxVcpus": 0}}' >"$RUNZ_TEST_TMP/bad.json"
RUNZ_CONFIG=$RUNZ_TEST_TMP/bad.json runz --root "$ROOT" create -b "$B" t0 </dev/null 2>"$RUNZ_TEST_TMP/bad.err" &&
  fail "create with a host config whose zone.maxVcpus is 0 succeeded"
cat "$RUNZ_TEST_TMP/bad.err"
grep -q "bad.json: zone.maxVcpus: must be an integer" "$RUNZ_TEST_TMP/bad.err" || fail "unclear error for a bad host config"
assert_clean "$ROOT"
echo '{"zone": {"maxMemoryMiB": 1024, "maxVcpus": 2}}' >"$RUNZ_TEST_TMP/runz.json"
RUNZ_CONFIG=$RUNZ_TEST_TMP/runz.json runz --root "$ROOT" create -b "$B" t1 </dev/null >"$RUNZ_TEST_TMP/main.out" 2>&1 ||
  { show_zone_log "$ROOT" t1; fail "create failed"; }
rz start t1 || fail "start failed"
wait_for 60 grep -q '^main-up$' "$RUNZ_TEST_TMP/main.out" || { show_zone_log "$ROOT" t1; fail "main process gave no output"; }
domid=$(xl domid runz-t1)
xl_mem() { xl list | awk '$1 == "runz-t1" {print $3}'; }
memtotal() { rz exec t1 awk '/^MemTotal/ {print $2}' /proc/meminfo; }
boot_mem=$(xl_mem)
boot_total=$(memtotal)
log "booted: xl list $boot_mem MiB, MemTotal $boot_total KiB, target $(xenstore-read /local/domain/$domid/memory/target) KiB"
[ "$boot_mem" -ge 185 ] && [ "$boot_mem" -le 200 ] || fail "the zone has $boot_mem MiB, want about 192 (128 MiB limit + 64)"

log "update --memory 96m: the zone shrinks to 160 MiB"
rz update --memory 96m t1 || fail "runz update --memory 96m failed"
[ "$(xenstore-read /local/domain/$domid/memory/target)" = 163840 ] ||
  fail "memory/target is $(xenstore-read /local/domain/$domid/memory/target) KiB, want 163840"
wait_for 90 sh -c "[ \"\$(xl list | awk '\$1 == \"runz-t1\" {print \$3}')\" -le 165 ]" ||
  fail "xl list still shows $(xl_mem) MiB for the zone 90 s after the update"
small_total=$(memtotal)
log "after: xl list $(xl_mem) MiB, MemTotal $small_total KiB"
cg() { rz exec t1 cat /sys/fs/cgroup/$1; }
[ "$(cg memory.max)" = 100663296 ] || fail "the container's memory.max is $(cg memory.max) after --memory 96m, want 100663296"
[ "$small_total" -lt "$((boot_total - 25000))" ] || fail "the zone's MemTotal went from $boot_total to $small_total KiB only"

log "events --stats"
rz events --stats t1 >"$RUNZ_TEST_TMP/stats" || fail "runz events --stats failed"
cat "$RUNZ_TEST_TMP/stats"
grep -q '"type":"stats"' "$RUNZ_TEST_TMP/stats" || fail "no stats event"
grep -q '"id":"t1"' "$RUNZ_TEST_TMP/stats" || fail "stats event without the container id"
total=$(grep -o '"total":[0-9]*' "$RUNZ_TEST_TMP/stats" | cut -d: -f2)
[ -n "$total" ] && [ "$total" -gt 0 ] || fail "cpu usage total '$total', want > 0"
usage=$(grep -o '"usage":[0-9]*' "$RUNZ_TEST_TMP/stats" | cut -d: -f2)
limit=$(grep -o '"limit":[0-9]*' "$RUNZ_TEST_TMP/stats" | cut -d: -f2)
[ "$limit" = "$(( (160 + 1) * 1048576 ))" ] || fail "memory limit $limit B, want 161 MiB (160 MiB + Xen's 1 MiB slack)"
[ "$usage" -le "$limit" ] && [ "$usage" -gt 100000000 ] || fail "memory usage $usage B, want between 100 MB and the limit"

log "update --memory 384m: the zone grows past its boot size to 448 MiB"
rz update --memory 384m t1 || fail "runz update --memory 384m failed"
[ "$(xenstore-read /local/domain/$domid/memory/target)" = 458752 ] ||
  fail "memory/target is $(xenstore-read /local/domain/$domid/memory/target) KiB, want 458752"
wait_for 120 sh -c "[ \"\$(xl list | awk '\$1 == \"runz-t1\" {print \$3}')\" -ge 440 ]" ||
  { show_zone_log "$ROOT" t1; fail "xl list shows $(xl_mem) MiB for the zone 120 s after growing it to 448"; }
wait_for 60 sh -c "[ \"\$(runz --root $ROOT exec t1 awk '/^MemTotal/ {print \$2}' /proc/meminfo)\" -ge $((370 * 1024)) ]" ||
  { show_zone_log "$ROOT" t1; fail "the zone's MemTotal is $(memtotal) KiB after growing it to 448 MiB, want >= 370 MiB"; }
log "grown: xl list $(xl_mem) MiB, MemTotal $(memtotal) KiB"
[ "$(cg memory.max)" = 402653184 ] || fail "the container's memory.max is $(cg memory.max) after --memory 384m, want 402653184"

log "update --memory -1: back to the boot size; 64g: refused, naming the maximum"
rz update --memory -1 t1 || fail "runz update --memory -1 failed"
wait_for 90 sh -c "[ \"\$(xl list | awk '\$1 == \"runz-t1\" {print \$3}')\" -le $((boot_mem + 5)) ]" ||
  fail "the zone did not shrink back to $boot_mem MiB (xl list: $(xl_mem))"
[ "$(cg memory.max)" = max ] || fail "the container's memory.max is $(cg memory.max) after --memory -1, want max"
rz update --memory 64g t1 2>"$RUNZ_TEST_TMP/big.err" && fail "update past the zone's maximum succeeded"
cat "$RUNZ_TEST_TMP/big.err"
grep -q "more than its maximum of 1024 MiB" "$RUNZ_TEST_TMP/big.err" || fail "unclear error for a limit past the maximum"
[ "$(xenstore-read /local/domain/$domid/memory/target)" = $((192 * 1024)) ] || fail "the refused update changed memory/target"

log "update --cpu-quota: vCPUs come and go"
[ "$(rz exec t1 nproc)" = 1 ] || fail "nproc in the zone is $(rz exec t1 nproc) at boot, want 1"
rz update --cpu-quota 200000 --cpu-period 100000 t1 || fail "runz update --cpu-quota 200000 failed"
[ "$(xenstore-read /local/domain/$domid/cpu/1/availability)" = online ] || fail "cpu/1/availability is not online"
wait_for 60 sh -c "[ \"\$(runz --root $ROOT exec t1 nproc)\" = 2 ]" ||
  { show_zone_log "$ROOT" t1; fail "nproc in the zone is $(rz exec t1 nproc) after --cpu-quota 200000, want 2"; }
[ "$(cg cpu.max)" = "200000 100000" ] || fail "the container's cpu.max is '$(cg cpu.max)', want '200000 100000'"
rz update --cpu-quota 100000 --cpu-period 100000 t1 || fail "runz update --cpu-quota 100000 failed"
wait_for 60 sh -c "[ \"\$(runz --root $ROOT exec t1 nproc)\" = 1 ]" ||
  fail "nproc in the zone is $(rz exec t1 nproc) after --cpu-quota 100000, want 1"
rz update --cpu-quota 300000 --cpu-period 100000 t1 2>"$RUNZ_TEST_TMP/cpus.err" && fail "3 vCPUs were granted"
cat "$RUNZ_TEST_TMP/cpus.err"
grep -q "3 vCPUs, more than its maximum of 2" "$RUNZ_TEST_TMP/cpus.err" || fail "unclear error for vCPUs past the maximum"

log "update --cpu-shares/--cpu-quota: the scheduler's weight and cap"
sched() { { xl sched-credit2 -d runz-t1 2>/dev/null || xl sched-credit -d runz-t1; } | awk '$1 == "runz-t1" {print $3, $4}'; }
log "before: weight cap = $(sched)"
rz update --cpu-shares 2048 --cpu-quota 50000 --cpu-period 100000 t1 || fail "runz update of cpu failed"
[ "$(sched)" = "512 50" ] || fail "weight cap = '$(sched)', want '512 50'"
echo '{"cpu": {"shares": 1024, "quota": -1}}' | rz update --resources - t1 || fail "runz update --resources - failed"
[ "$(sched)" = "256 0" ] || fail "weight cap = '$(sched)' after --resources, want '256 0'"

log "events --interval 1s streams until stopped"
runz --root "$ROOT" events --interval 1s t1 >"$RUNZ_TEST_TMP/stream" &
ev=$!
sleep 4
n=$(grep -c '"type":"stats"' "$RUNZ_TEST_TMP/stream")
[ "$n" -ge 2 ] || fail "events --interval 1s printed $n events in 4 s"

rz kill t1 KILL
wait_for 60 sh -c "runz --root $ROOT state t1 | grep -q '\"stopped\"'" || fail "t1 did not stop"
rz update --memory 96m t1 2>"$RUNZ_TEST_TMP/stopped.err" && fail "update of a stopped container succeeded"
grep -q "container not running" "$RUNZ_TEST_TMP/stopped.err" || fail "update of a stopped container: $(cat "$RUNZ_TEST_TMP/stopped.err")"
wait_for 30 sh -c "! kill -0 $ev 2>/dev/null" || fail "runz events still streams after the container stopped"
wait "$ev"
rc=$?
[ "$rc" = 0 ] || fail "runz events exited $rc when the container stopped, want 0"
rz delete t1 || fail "delete failed"
assert_clean "$ROOT"
exit 0
