#!/bin/sh
# The 9pfs backend holds no authority to spare (#17): while a zone runs, its runz-p9-backend has an empty
# environment, an empty root of its own (no dom0 path reachable by name), only CAP_CHOWN, CAP_DAC_OVERRIDE
# and CAP_FOWNER in every set (none ambient), no_new_privs, the seccomp filter in filter mode and is not
# dumpable; and `runz-p9-backend --probe-confinement` run in dom0 is refused every forbidden thing (absolute
# host paths, climbing out of an export, dom0's /proc, namespaces, new processes, foreign signals, unknown
# ioctls, executable memory) while the export stays readable. The zone still reads and writes its rootfs.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
busybox_bundle "$B"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {
    "user": {"uid": 0, "gid": 0},
    "args": ["sh", "-c", "echo written-in-zone >/written; chown 1234:1234 /written; echo ready; while :; do sleep 1; done"],
    "env": ["PATH=/bin"], "cwd": "/"
  },
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
cleanup() { runz --root "$ROOT" delete --force t1 >/dev/null 2>&1; }
trap cleanup EXIT

log "run a zone"
(cd "$B" && runz --root "$ROOT" run -d t1 >"$RUNZ_TEST_TMP/out" 2>&1) || {
  cat "$RUNZ_TEST_TMP/out"; show_zone_log "$ROOT" t1; fail "run -d failed"; }
wait_for 60 test -s "$B/rootfs/written" || { show_zone_log "$ROOT" t1; fail "the zone did not write its rootfs"; }
[ "$(cat "$B/rootfs/written")" = written-in-zone ] || fail "the zone's write did not land in the host rootfs"
wait_for 20 sh -c "[ \"\$(stat -c %u:%g '$B/rootfs/written')\" = 1234:1234 ]" ||
  fail "the zone's chown did not land: $(stat -c %u:%g "$B/rootfs/written")"

pid=$(pids_named runz-p9-backend | head -n 1)
[ -n "$pid" ] || fail "no runz-p9-backend process"
log "backend pid $pid"
st=/proc/$pid/status
grep -E '^(Cap|NoNewPrivs|Seccomp)' "$st"
field() { sed -n "s/^$1:[[:space:]]*//p" "$st"; }
for set in CapEff CapPrm CapBnd; do
  [ "$(field $set)" = 000000000000000b ] || fail "$set is $(field $set), want 000000000000000b (chown, dac_override, fowner)"
done
for set in CapInh CapAmb; do
  [ "$(field $set)" = 0000000000000000 ] || fail "$set is $(field $set), want none"
done
[ "$(field NoNewPrivs)" = 1 ] || fail "NoNewPrivs is $(field NoNewPrivs)"
[ "$(field Seccomp)" = 2 ] || fail "Seccomp is $(field Seccomp), want 2 (filter)"
[ "$(tr -d '\0' <"/proc/$pid/environ" | wc -c)" -eq 0 ] || fail "environment not empty: $(tr '\0' ' ' <"/proc/$pid/environ")"
left=$(ls -A "/proc/$pid/root/")
[ -z "$left" ] || fail "the backend's root is not empty: $left"
[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || fail "the backend shares dom0's mount namespace"
log "backend log: $(grep -h 'confined (' "$ROOT"/t1/p9-backend.log 2>/dev/null)"

exe=$(readlink "/proc/$pid/exe")
[ -x "$exe" ] || exe=/usr/lib/runz/runz-p9-backend
log "probe: $exe --probe-confinement"
mkdir -p "$RUNZ_TEST_TMP/export/sub"
echo probe >"$RUNZ_TEST_TMP/export/file"
"$exe" --probe-confinement --export 0:probe --path "$RUNZ_TEST_TMP/export" \
  --export 1:file --path "$RUNZ_TEST_TMP/export/file" --ro --file file >"$RUNZ_TEST_TMP/probe" 2>"$RUNZ_TEST_TMP/probe.err"
probe_rc=$?
cat "$RUNZ_TEST_TMP/probe"
grep -E 'ALLOWED|BROKEN' "$RUNZ_TEST_TMP/probe" && fail "the probe got through (see above)"
[ "$probe_rc" -eq 0 ] || { cat "$RUNZ_TEST_TMP/probe.err"; fail "--probe-confinement exited $probe_rc"; }
grep -q 'pivot_root into an empty root' "$RUNZ_TEST_TMP/probe.err" ||
  log "note: the root was not pivoted: $(grep 'confined (' "$RUNZ_TEST_TMP/probe.err")"

runz --root "$ROOT" delete --force t1 || fail "delete failed"
trap - EXIT
assert_clean "$ROOT"
log "ok"
