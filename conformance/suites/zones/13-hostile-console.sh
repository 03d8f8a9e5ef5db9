#!/bin/sh
# A hostile zone floods its console (issue "A hostile zone cannot hurt dom0"): a container running as root
# with CAP_MKNOD makes the zone's /dev/hvc0 node on a tmpfs and writes busybox's binary to it without end,
# so the host's pump reads a full ring of bytes that are mostly not agent frames. While it does, for a
# minute: its directory in runz's state (console.log capped at 1 MiB, monitor.log at 256 KiB) stays small,
# its monitor's memory does not grow, dom0's available memory holds, and a second zone still answers
# `runz exec` every time. Then the hostile zone is killed and deleted like any other, and nothing is left.
# The bounds are docs/ARCHITECTURE.md's "Bounds on what a zone can make dom0 do".
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root
H=$RUNZ_TEST_TMP/hostile
V=$RUNZ_TEST_TMP/victim
busybox_bundle "$H"
caps='["CAP_MKNOD", "CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE", "CAP_CHOWN", "CAP_FOWNER"]'
cat >"$H/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {"bounding": $caps, "effective": $caps, "permitted": $caps},
    "args": ["sh", "-c", "mknod /flood/hvc c 229 0 || exit 3; while [ ! -e /go ]; do sleep 1; done; while :; do cat /bin/busybox; done >/flood/hvc"]},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/flood", "type": "tmpfs", "source": "tmpfs"}]
}
JSON
pid_of() { runz --root "$ROOT" state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
dir_kib() { du -sk "$1" | cut -f1; }
hostile_cleanup_on_exit

start_victim "$V"
start_zone hostile "$H"
[ "$(runz --root "$ROOT" exec victim echo alive)" = alive ] || fail "the victim does not answer before the flood"
mp=$(pid_of hostile)
rss0=$(rss_kib "$mp") avail0=$(mem_avail_kib) cpu0=$(cpu_ticks "$mp")
log "before: hostile monitor $mp VmRSS ${rss0} KiB, dom0 MemAvailable ${avail0} KiB, state dir $(dir_kib "$ROOT/hostile") KiB"

log "the flood starts"
touch "$H/rootfs/go"
wait_for 60 sh -c "[ \$(du -sk '$ROOT/hostile/console.log' | cut -f1) -ge 64 ]" ||
  { show_zone_log "$ROOT" hostile; fail "the flood did not reach the host's console.log"; }
for round in 1 2 3 4; do
  sleep 12
  t0=$(cut -d' ' -f1 /proc/uptime)
  out=$(runz --root "$ROOT" exec victim echo alive 2>&1)
  log "round $round: victim exec '$out' in $(awk "BEGIN {print $(cut -d' ' -f1 /proc/uptime) - $t0}") s;" \
    "hostile monitor VmRSS $(rss_kib "$mp") KiB, state dir $(dir_kib "$ROOT/hostile") KiB, console.log" \
    "$(wc -c <"$ROOT/hostile/console.log") B, dom0 MemAvailable $(mem_avail_kib) KiB"
  [ "$out" = alive ] || fail "the victim zone did not answer exec during the flood: $out"
done
cpu1=$(cpu_ticks "$mp")
log "hostile monitor CPU during the flood: $((cpu1 - cpu0)) ticks of $(getconf CLK_TCK 2>/dev/null || echo 100)/s"
[ "$(wc -c <"$ROOT/hostile/console.log")" -le $((1024 * 1024 + 4096)) ] || fail "console.log grew past its 1 MiB cap"
[ -f "$ROOT/hostile/monitor.log" ] && { [ "$(wc -c <"$ROOT/hostile/monitor.log")" -le $((256 * 1024 + 4096)) ] ||
  fail "monitor.log grew past its 256 KiB cap"; }
[ "$(dir_kib "$ROOT/hostile")" -le 2048 ] || fail "the hostile zone's state dir holds $(dir_kib "$ROOT/hostile") KiB"
rss1=$(rss_kib "$mp")
[ "$rss1" -le $((rss0 + 16384)) ] || fail "the hostile zone's monitor grew from $rss0 to $rss1 KiB"
avail1=$(mem_avail_kib)
[ "$avail1" -ge $((avail0 - 65536)) ] || fail "dom0's available memory fell from $avail0 to $avail1 KiB"

log "the hostile zone is killed and deleted like any other"
runz --root "$ROOT" kill hostile KILL || fail "kill hostile"
wait_for 120 sh -c "runz --root '$ROOT' state hostile | grep -q '\"stopped\"'" || fail "the hostile zone did not stop"
end_hostile
exit 0
