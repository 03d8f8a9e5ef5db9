#!/bin/sh
# Each container's cgroup in the zone (issues "Resources that follow the workload" and "OCI conformance"):
# config.json's linux.resources are written to the container's own cgroup v2 group in the zone, and with a
# cgroup namespace and a cgroup mount the container sees that group as /sys/fs/cgroup, as under runc:
# memory.max, pids.max, cpu.max and cpu.weight (shares 1024 -> 39, runc's conversion) hold its limits and
# /proc/self/cgroup says 0::/. Then the limit acts: an exec that fills more than the container's 32 MiB is
# OOM-killed (exit 137), the container's memory.events counts the kill, and its main process runs on.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root
B=$RUNZ_TEST_TMP/bundle
busybox_bundle "$B"
config() {  # config ARGS_JSON RESOURCES_JSON
  cat <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": $1, "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
             {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
             {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
              "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "cgroup"}],
            "resources": $2}
}
JSON
}
trap 'runz --root "$ROOT" delete -f c1 >/dev/null 2>&1; runz --root "$ROOT" delete -f c2 >/dev/null 2>&1' EXIT

log "the container's limits in its own /sys/fs/cgroup"
config '["sh", "-c", "cat /proc/self/cgroup; for f in memory.max pids.max cpu.max cpu.weight; do echo $f=$(cat /sys/fs/cgroup/$f); done"]' \
  '{"memory": {"limit": 67108864}, "pids": {"limit": 100}, "cpu": {"shares": 1024, "quota": 50000, "period": 100000}}' \
  >"$B/config.json"
zone_run "$B" c1
[ "$RUN_RC" -eq 0 ] || fail "run exited $RUN_RC"
O=$RUNZ_TEST_TMP/out
grep -qx '0::/' "$O" || fail "/proc/self/cgroup is not the cgroup namespace's root: $(cat "$O")"
grep -qx 'memory.max=67108864' "$O" || fail "memory.max: $(grep '^memory.max' "$O")"
grep -qx 'pids.max=100' "$O" || fail "pids.max: $(grep '^pids.max' "$O")"
grep -qx 'cpu.max=50000 100000' "$O" || fail "cpu.max: $(grep '^cpu.max' "$O")"
grep -qx 'cpu.weight=39' "$O" || fail "cpu.weight: $(grep '^cpu.weight' "$O")"

log "an exec past the container's memory limit is OOM-killed; the container runs on"
config '["sleep", "100000"]' '{"memory": {"limit": 33554432}}' >"$B/config.json"
runz --root "$ROOT" create -b "$B" c2 </dev/null >/dev/null 2>&1 || { show_zone_log "$ROOT" c2; fail "create c2"; }
runz --root "$ROOT" start c2 || fail "start c2"
runz --root "$ROOT" exec c2 sh -c 'x=$(head -c 100000000 /dev/zero | tr "\000" a); echo survived ${#x}' >"$RUNZ_TEST_TMP/hog" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/hog"
[ "$rc" -eq 137 ] || fail "the exec that filled 100 MB exited $rc, want 137 (OOM-killed)"
events=$(runz --root "$ROOT" exec c2 cat /sys/fs/cgroup/memory.events) || fail "exec cat memory.events"
echo "$events"
echo "$events" | grep -Eq '^oom_kill [1-9]' || fail "the container's memory.events counts no OOM kill: the zone's, not its cgroup's, limit acted"
[ "$(runz --root "$ROOT" state c2 | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')" = running ] || fail "c2 is not running after the OOM kill"
runz --root "$ROOT" delete -f c2 || fail "delete c2"
trap - EXIT
assert_clean "$ROOT"
exit 0
