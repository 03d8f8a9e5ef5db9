#!/bin/sh
# A hostile zone floods a 9P export with fids (issue "A hostile zone cannot hurt dom0"): a container holds
# open every file of a writable bind mount it can, first 2,000 files with short names (past what the backend
# holds for a zone: each open file takes two fids and about three host descriptors, and the backend's descriptor
# limit, 4,096 in the emulated dom0, comes before its 8,192 fids per device: EMFILE after ~1,350 files),
# then 1,400 files fifteen 200-character directories deep (past the 8 MiB of path bytes a device's fids may
# hold: ENOMEM after ~1,170 files). Each flood must end in refused opens in the zone, not in dom0 paying:
# while it holds, the zone's backend stays small (VmRSS), dom0's available memory holds, p9-backend.log stays
# under its cap and a second zone still answers `runz exec`; once the files are closed the same export opens
# files again. Then both zones are deleted and nothing is left. The bounds are docs/ARCHITECTURE.md's
# "Bounds on what a zone can make dom0 do".
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root
H=$RUNZ_TEST_TMP/hostile
V=$RUNZ_TEST_TMP/victim
F=$RUNZ_TEST_TMP/flood
SHORT=2000 DEEP=1400
busybox_bundle "$H"

log "the export: $SHORT short names, $DEEP names fifteen long directories down"
mkdir -p "$F/short" || fail "mkdir $F/short"
i=1
while [ "$i" -le "$SHORT" ]; do : >"$F/short/f$i"; i=$((i + 1)); done
long=$(printf '%0200d' 0 | tr 0 d)
deep=
for level in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do deep=$deep/$long$level; done
mkdir -p "$F/deep$deep" || fail "mkdir the deep directories"
i=1
while [ "$i" -le "$DEEP" ]; do : >"$F/deep$deep/f$i"; i=$((i + 1)); done

# hold DIR N NAME: opens DIR/f1..fN on descriptors 11.. and keeps them; writes "NAME: <refused> refused" and the
# first refusal's message to /tmp/NAME.held (the rootfs: another 9P device), then waits for /release-NAME,
# closes them all and writes /tmp/NAME.closed with whether f1 opens again.
cat >"$H/rootfs/bin/hold" <<'EOF'
#!/bin/sh
cd "$1" || exit 3
i=1 refused=0
while [ "$i" -le "$2" ]; do
  if ! { eval "command exec $((i + 10))<f$i"; } 2>/dev/null; then
    [ "$refused" -eq 0 ] && { eval "command exec $((i + 10))<f$i"; } 2>"/tmp/$3.first-refusal"
    refused=$((refused + 1))
  fi
  i=$((i + 1))
done
echo "$3: $refused refused" >"/tmp/$3.held"
while [ ! -e "/release-$3" ]; do sleep 1; done
i=1
while [ "$i" -le "$2" ]; do eval "exec $((i + 10))<&-"; i=$((i + 1)); done
if cat f1 >/dev/null 2>"/tmp/$3.reopen.err"; then echo reopened >"/tmp/$3.closed"; else echo refused >"/tmp/$3.closed"; fi
EOF
chmod 755 "$H/rootfs/bin/hold"
cat >"$H/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "env": ["PATH=/bin"], "cwd": "/",
    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 20000, "hard": 20000}],
    "args": ["sh", "-c", "while [ ! -e /go ]; do sleep 1; done; hold /flood/short $SHORT short; hold /flood/deep$deep $DEEP deep; sleep 100000"]},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/flood", "type": "bind", "source": "$F", "options": ["rbind", "rw"]}]
}
JSON
start_hostile_and_victim "$H" "$V"
backend=$HOSTILE_BACKEND
rss0=$(rss_kib "$backend") avail0=$(mem_avail_kib)
log "before: hostile backend $backend VmRSS $rss0 KiB, dom0 MemAvailable $avail0 KiB"
touch "$H/rootfs/go"

# flood NAME: waits for hold's report, checks the bounds held and dom0 with them, releases, checks recovery
flood() {
  wait_for 600 test -s "$H/rootfs/tmp/$1.held" || { show_zone_log "$ROOT" hostile; fail "$1: the zone did not finish opening"; }
  rss=$(rss_kib "$backend") avail=$(mem_avail_kib)
  log "$(cat "$H/rootfs/tmp/$1.held"); first refusal: '$(cat "$H/rootfs/tmp/$1.first-refusal" 2>/dev/null)';" \
    "backend VmRSS $rss KiB, dom0 MemAvailable $avail KiB, p9-backend.log $(wc -c <"$ROOT/hostile/p9-backend.log") B"
  refused=$(sed 's/.*: \([0-9]*\) refused/\1/' "$H/rootfs/tmp/$1.held")
  [ "$refused" -gt 0 ] || fail "$1: every open succeeded: the backend's bound did not engage"
  [ "$rss" -le $((rss0 + 32768)) ] || fail "$1: the hostile zone's backend grew from $rss0 to $rss KiB"
  [ "$avail" -ge $((avail0 - 65536)) ] || fail "$1: dom0's available memory fell from $avail0 to $avail KiB"
  [ "$(wc -c <"$ROOT/hostile/p9-backend.log")" -le $((256 * 1024 + 4096)) ] || fail "p9-backend.log grew past its cap"
  victim_answers || fail "$1: the victim zone did not answer exec during the flood: $VICTIM_OUT"
  touch "$H/rootfs/release-$1"
  wait_for 300 test -s "$H/rootfs/tmp/$1.closed" || fail "$1: the zone did not close its files"
  [ "$(cat "$H/rootfs/tmp/$1.closed")" = reopened ] ||
    fail "$1: after closing, the export refuses opens: $(cat "$H/rootfs/tmp/$1.reopen.err")"
}
log "flood 1: fids"
flood short
log "flood 2: path bytes"
flood deep

log "both zones are deleted like any other"
end_hostile
exit 0
