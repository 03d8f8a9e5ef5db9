# zonelib.sh: helpers for the zones suite (sourced after $RUNZ_TESTLIB; busybox sh in dom0).

# busybox_bundle DIR: DIR/rootfs with a static busybox and all its applets under /bin, plus the usual empty
# mount points; the caller writes DIR/config.json.
busybox_bundle() {
  mkdir -p "$1/rootfs/bin" "$1/rootfs/proc" "$1/rootfs/dev" "$1/rootfs/sys" "$1/rootfs/tmp" "$1/rootfs/etc" ||
    return 1
  cp /bin/busybox "$1/rootfs/bin/busybox" || fail "no /bin/busybox in dom0"
  for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$1/rootfs/bin/$a"
  done
}


# runz_leftovers ROOT: prints one line per thing a container left behind (empty = clean): domains other
# than dom0 (xl and xenstore), runz processes (monitors keep runz's name), 9pfs backends, xenstore backend
# entries for guests, state dirs under ROOT.
runz_leftovers() {
  for d in $(other_domains); do echo "domain $d (xl list)"; done
  for d in $(xenstore_domids); do [ "$d" = 0 ] || echo "domain $d (xenstore /local/domain)"; done
  for p in $(pids_named runz); do echo "process runz pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline")"; done
  for p in $(pids_named runz-p9-backend); do echo "process runz-p9-backend pid $p"; done
  for t in $(xenstore-list /local/domain/0/backend 2>/dev/null); do
    for d in $(xenstore-list "/local/domain/0/backend/$t" 2>/dev/null); do
      echo "xenstore backend $t for domain $d"
    done
  done
  if [ -d "$1" ]; then
    for s in "$1"/*; do [ -e "$s" ] && echo "state $s"; done
  fi
}

# assert_clean ROOT: fails the test naming every leftover
assert_clean() {
  _left=$(runz_leftovers "$1")
  [ -z "$_left" ] || fail "left behind: $_left"
}

# show_zone_log ROOT ID: the tail of a container's console log and its monitor's log (for failures)
show_zone_log() {
  [ -f "$1/$2/console.log" ] && { echo "--- $2 console.log (tail)"; tail -n 30 "$1/$2/console.log"; }
  [ -f "$1/$2/monitor.log" ] && { echo "--- $2 monitor.log (tail)"; tail -n 20 "$1/$2/monitor.log"; }
  return 0
}

# zone_run BUNDLE ID: `runz --root $ROOT run ID` in BUNDLE, stdout and stderr to $RUNZ_TEST_TMP/out and
# .../err (both printed); sets RUN_RC; the zone's console tail is printed when it failed
zone_run() {
  (cd "$1" && runz --root "$ROOT" run "$2" >"$RUNZ_TEST_TMP/out" 2>"$RUNZ_TEST_TMP/err")
  RUN_RC=$?
  echo "--- $2 stdout"; cat "$RUNZ_TEST_TMP/out"; echo "--- $2 stderr"; cat "$RUNZ_TEST_TMP/err"
  [ "$RUN_RC" -eq 0 ] || show_zone_log "$ROOT" "$2"
}

# --- the hostile-zone tests (zones/13..15): a hostile zone and a victim zone under $ROOT ------------------

# rss_kib PID: the process's resident memory; mem_avail_kib: dom0's available memory (both KiB)
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mem_avail_kib() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }

# hostile_cleanup_on_exit: a failing test still deletes both zones
hostile_cleanup_on_exit() {
  trap 'runz --root "$ROOT" delete -f hostile >/dev/null 2>&1; runz --root "$ROOT" delete -f victim >/dev/null 2>&1' EXIT
}

# start_zone ID BUNDLE: `runz create` and `start` under $ROOT; the zone's log and a failure if either fails
start_zone() {
  runz --root "$ROOT" create -b "$2" "$1" </dev/null >/dev/null 2>&1 || { show_zone_log "$ROOT" "$1"; fail "create $1"; }
  runz --root "$ROOT" start "$1" || fail "start $1"
}

# start_victim DIR: the second zone, a busybox bundle in DIR that sleeps, started as "victim"; the
# hostile tests check it still answers `runz exec` while the hostile zone floods dom0
start_victim() {
  busybox_bundle "$1"
  cat >"$1/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sleep", "100000"], "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"}
}
JSON
  start_zone victim "$1"
}

# victim_answers: `runz exec victim echo alive` prints alive (its output is in $VICTIM_OUT either way)
victim_answers() {
  VICTIM_OUT=$(runz --root "$ROOT" exec victim echo alive 2>&1)
  [ "$VICTIM_OUT" = alive ]
}

# backends: the pids of the 9pfs backends running now, as " pid pid ... "; new_backend BEFORE: the one
# that is not in BEFORE (a backends list taken earlier)
backends() { echo " $(pids_named runz-p9-backend | tr '\n' ' ') "; }
new_backend() {
  for _p in $(pids_named runz-p9-backend); do case $1 in *" $_p "*) ;; *) echo "$_p"; return 0 ;; esac; done
  return 1
}

# start_hostile_and_victim HOSTILE_BUNDLE VICTIM_DIR: the cleanup trap, the victim, then the hostile zone;
# sets HOSTILE_BACKEND to the hostile zone's 9pfs backend pid
start_hostile_and_victim() {
  hostile_cleanup_on_exit
  start_victim "$2"
  _before=$(backends)
  start_zone hostile "$1"
  HOSTILE_BACKEND=$(new_backend "$_before") || fail "no runz-p9-backend for the hostile zone"
}

# end_hostile: the hostile zone is deleted like any other (delete -f), the victim still answers, is deleted,
# and nothing of either is left
end_hostile() {
  runz --root "$ROOT" delete -f hostile || fail "delete hostile"
  victim_answers || fail "the victim does not answer after the flood: $VICTIM_OUT"
  runz --root "$ROOT" delete -f victim || fail "delete victim"
  trap - EXIT
  wait_for 60 sh -c '[ -z "$(xl list 2>/dev/null | awk "NR > 2")" ]' || fail "domains left: $(other_domains)"
  assert_clean "$ROOT"
}
