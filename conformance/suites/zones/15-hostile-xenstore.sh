#!/bin/sh
# A hostile zone floods its xenstore nodes (issue "A hostile zone cannot hurt dom0"): a container running as
# root with CAP_MKNOD makes the zone kernel's /dev/xen/xenbus node on a tmpfs and writes the `state` node of
# its bind mount's 9pfs frontend without end, Initialising every time: each write is a watch event for the
# 9pfs backend in dom0 and a log line there (an event a connected device ignores; a value changed back
# before the backend read it would log nothing, so Connected is never written in between). Until the backend's log reaches its 256 KiB cap and half a minute after: the log stays at its
# cap, the backend and dom0's xenstored do not grow, dom0's available memory holds and a second zone still
# answers `runz exec`. Then the hostile zone is deleted like any other and nothing is left. The bounds
# are docs/ARCHITECTURE.md's "Bounds on what a zone can make dom0 do".
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root
H=$RUNZ_TEST_TMP/hostile
V=$RUNZ_TEST_TMP/victim
D=$RUNZ_TEST_TMP/data
busybox_bundle "$H"
mkdir -p "$D"
# flood N: XS_WRITE messages (struct xsd_sockmsg: type 11, request id, transaction 0, length; then the
# relative path and the value) to device/9pfs/N/state on one open of the xenbus device, whose replies a
# background cat drains; a count every 200 writes in /tmp/count (the rootfs: another 9P device)
cat >"$H/rootfs/bin/flood" <<'EOF'
#!/bin/sh
minor=$(cut -d: -f2 '/sys/class/misc/xen!xenbus/dev') || exit 3
mknod /xb/xenbus c 10 "$minor" || exit 4
exec 3<>/xb/xenbus || exit 5
cat <&3 >/dev/null &
path="device/9pfs/$1/state"
len=$(printf '\\%03o' $((${#path} + 2)))
# write VALUE: one XS_WRITE of the one-character VALUE
write() { printf "\\013\\000\\000\\000\\001\\000\\000\\000\\000\\000\\000\\000$len\\000\\000\\000$path\\000$1" >&3; }
n=0
while :; do
  write 1
  n=$((n + 1))
  [ $((n % 200)) -eq 0 ] && echo "$n" >/tmp/count.new && mv /tmp/count.new /tmp/count  # never read half-written
done
EOF
chmod 755 "$H/rootfs/bin/flood"
caps='["CAP_MKNOD", "CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"]'
cat >"$H/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {"bounding": $caps, "effective": $caps, "permitted": $caps},
    "args": ["sh", "-c", "while [ ! -s /go ]; do sleep 1; done; exec flood \$(cat /go)"]},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/sys", "type": "sysfs", "source": "sysfs"},
             {"destination": "/xb", "type": "tmpfs", "source": "tmpfs"},
             {"destination": "/data", "type": "bind", "source": "$D", "options": ["rbind", "rw"]}]
}
JSON
start_hostile_and_victim "$H" "$V"
backend=$HOSTILE_BACKEND
domid=$(xl domid "runz-hostile") || fail "no domain runz-hostile"
dev=
for n in $(xenstore-list "/local/domain/$domid/device/9pfs"); do
  [ "$(xenstore-read "/local/domain/$domid/device/9pfs/$n/tag")" = m0 ] && dev=$n
done
[ -n "$dev" ] || fail "no 9pfs frontend with the bind mount's tag m0 in domain $domid"
xs=$(pids_named xenstored | head -n 1)
[ -n "$xs" ] || xs=$(pids_named oxenstored | head -n 1)
[ -n "$xs" ] || fail "no xenstored process in dom0"
rss0=$(rss_kib "$backend") xs0=$(rss_kib "$xs") avail0=$(mem_avail_kib)
log "before: backend $backend VmRSS $rss0 KiB, xenstored $xs VmRSS $xs0 KiB, dom0 MemAvailable $avail0 KiB"

log "the flood starts on device/9pfs/$dev/state of domain $domid"
echo "$dev" >"$H/rootfs/go"
wait_for 120 test -s "$H/rootfs/tmp/count" || { show_zone_log "$ROOT" hostile; fail "the zone did not start writing"; }
cap=$((256 * 1024))
log_bytes() { wc -c <"$ROOT/hostile/p9-backend.log"; }
status() {
  echo "$(cat "$H/rootfs/tmp/count") writes; backend VmRSS $(rss_kib "$backend") KiB, xenstored VmRSS $(rss_kib "$xs") KiB," \
    "p9-backend.log $(log_bytes) B, dom0 MemAvailable $(mem_avail_kib) KiB"
}
at_cap() { [ "$(log_bytes)" -ge $((cap - 4096)) ]; }
round=0
while ! at_cap; do
  round=$((round + 1))
  [ "$round" -le 30 ] || fail "p9-backend.log did not reach its cap in 6 minutes of the flood: $(status)"
  sleep 12
  victim_answers
  log "round $round: $(status); victim exec '$VICTIM_OUT'"
  [ "$VICTIM_OUT" = alive ] || fail "the victim zone did not answer exec during the flood: $VICTIM_OUT"
done
count_at_cap=$(cat "$H/rootfs/tmp/count")
for after in 1 2; do
  sleep 15
  victim_answers
  log "at the cap +$((after * 15)) s: $(status); victim exec '$VICTIM_OUT'"
  [ "$VICTIM_OUT" = alive ] || fail "the victim zone did not answer exec during the flood: $VICTIM_OUT"
done
[ "$(cat "$H/rootfs/tmp/count")" -gt "$count_at_cap" ] || fail "the flood stopped: the checks after the cap prove nothing"
tail -n 2 "$ROOT/hostile/p9-backend.log"
[ "$(log_bytes)" -le $((cap + 4096)) ] || fail "p9-backend.log grew past its cap: $(log_bytes) B"
rss1=$(rss_kib "$backend") xs1=$(rss_kib "$xs") avail1=$(mem_avail_kib)
[ "$rss1" -le $((rss0 + 16384)) ] || fail "the hostile zone's backend grew from $rss0 to $rss1 KiB"
[ "$xs1" -le $((xs0 + 16384)) ] || fail "xenstored grew from $xs0 to $xs1 KiB"
[ "$avail1" -ge $((avail0 - 65536)) ] || fail "dom0's available memory fell from $avail0 to $avail1 KiB"

log "the hostile zone is deleted like any other"
end_hostile
exit 0
