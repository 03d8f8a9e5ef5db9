#!/bin/sh
# `runz run` of a busybox bundle runs the process in its own Xen PV zone, prints its output and exits with
# its exit status; afterwards no runz domain, backend process or state dir is left.
# timeout: 600
. "$RUNZ_TESTLIB"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/busybox" || fail "no /bin/busybox in dom0"
for a in sh echo cat id ls hostname uname; do ln -s busybox "$B/rootfs/bin/$a"; done
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": ["sh", "-c", "echo hello-from-zone; uname -r; exit 3"],
    "env": ["PATH=/bin"],
    "cwd": "/"
  },
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "zone1",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
log "runz run"
cd "$B"
runz --root "$ROOT" run t1 >"$RUNZ_TEST_TMP/out" 2>"$RUNZ_TEST_TMP/err"
rc=$?
log "runz run exited $rc"
echo "--- stdout"; cat "$RUNZ_TEST_TMP/out"; echo "--- stderr"; cat "$RUNZ_TEST_TMP/err"
[ -f "$ROOT/t1/console.log" ] && { echo "--- console.log (tail)"; tail -n 30 "$ROOT/t1/console.log"; }
grep -q '^hello-from-zone$' "$RUNZ_TEST_TMP/out" || fail "process output not seen"
[ "$rc" -eq 3 ] || fail "exit status $rc, want 3"
runz --root "$ROOT" delete t1 2>/dev/null
[ -z "$(other_domains)" ] || fail "domains left: $(other_domains)"
[ "$(xenstore_domids)" = "0" ] || fail "xenstore domains left: $(xenstore_domids)"
. "$RUNZ_TEST_DIR/zonelib.sh"
[ -z "$(pids_named runz-p9-backend)" ] || fail "9pfs backend left running"
[ ! -e "$ROOT/t1" ] || fail "state dir left"
exit 0
