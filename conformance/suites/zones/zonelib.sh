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
