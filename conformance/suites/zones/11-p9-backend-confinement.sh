#!/bin/sh
# The 9pfs backend holds no authority to spare (#17): while a zone runs, its runz-p9-backend has an empty
# environment, an empty root of its own (no dom0 path reachable by name), only CAP_CHOWN, CAP_DAC_OVERRIDE
# and CAP_FOWNER in every set (none ambient), no_new_privs, the seccomp filter in filter mode, is not
# dumpable and runs as a user and group of its own (0x70000000 + the zone's domid, no supplementary groups);
# and `runz-p9-backend --probe-confinement` run in dom0 is refused every forbidden thing (absolute
# host paths, climbing out of an export, dom0's /proc, namespaces, new processes, foreign signals, unknown
# ioctls, executable memory, going back to root) while the export stays readable. The zone still reads and
# writes its rootfs, chown included. /etc/runz/runz.json's backend.idBase and backend.maxFids (given by
# RUNZ_CONFIG here) move the backend's user and set its fid limit; an idBase out of range is refused, naming it.
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
cleanup() { for c in t1 t2 t3; do runz --root "$ROOT" delete --force $c >/dev/null 2>&1; done; }
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
# backend_user PID BASE: the backend runs as BASE + the domid on its command line, all four ids, no groups.
backend_user() {
  domid=$(tr '\0' '\n' <"/proc/$1/cmdline" | sed -n '/^--domid$/{n;p;}')
  [ -n "$domid" ] || fail "no --domid on the backend's command line: $(tr '\0' ' ' <"/proc/$1/cmdline")"
  want=$(($2 + domid))
  grep -E '^(Uid|Gid|Groups):' "/proc/$1/status"
  for id in Uid Gid; do
    [ "$(sed -n "s/^$id:[[:space:]]*//p" "/proc/$1/status" | tr -s '[:space:]' ' ' | sed 's/ $//')" = "$want $want $want $want" ] ||
      fail "$id of the backend: $(grep "^$id:" "/proc/$1/status"), want $want ($2 + domid $domid) in all four"
  done
  [ -z "$(sed -n 's/^Groups:[[:space:]]*//p' "/proc/$1/status" | tr -d '[:space:]')" ] ||
    fail "the backend keeps supplementary groups: $(grep '^Groups:' "/proc/$1/status")"
}
backend_user "$pid" $((0x70000000))
log "backend log: $(grep -h 'confined (' "$ROOT"/t1/p9-backend.log 2>/dev/null)"

exe=$(readlink "/proc/$pid/exe")
[ -x "$exe" ] || exe=/usr/lib/runz/runz-p9-backend
log "probe: $exe --probe-confinement"
mkdir -p "$RUNZ_TEST_TMP/export/sub"
echo probe >"$RUNZ_TEST_TMP/export/file"
"$exe" --probe-confinement --export 0:probe --path "$RUNZ_TEST_TMP/export" \
  --export 1:file --path "$RUNZ_TEST_TMP/export/file" --ro --file file --user 1879048192:1879048192 \
  >"$RUNZ_TEST_TMP/probe" 2>"$RUNZ_TEST_TMP/probe.err"
probe_rc=$?
cat "$RUNZ_TEST_TMP/probe"
grep -E 'ALLOWED|BROKEN' "$RUNZ_TEST_TMP/probe" && fail "the probe got through (see above)"
[ "$probe_rc" -eq 0 ] || { cat "$RUNZ_TEST_TMP/probe.err"; fail "--probe-confinement exited $probe_rc"; }
grep -q 'pivot_root into an empty root' "$RUNZ_TEST_TMP/probe.err" ||
  log "note: the root was not pivoted: $(grep 'confined (' "$RUNZ_TEST_TMP/probe.err")"

runz --root "$ROOT" delete --force t1 || fail "delete failed"

log "backend.idBase and backend.maxFids from RUNZ_CONFIG"
echo '{"backend": {"idBase": 3000000000, "maxFids": 512}}' >"$RUNZ_TEST_TMP/runz.json"
rm -f "$B/rootfs/written"
(cd "$B" && RUNZ_CONFIG=$RUNZ_TEST_TMP/runz.json runz --root "$ROOT" run -d t2 >"$RUNZ_TEST_TMP/out" 2>&1) || {
  cat "$RUNZ_TEST_TMP/out"; show_zone_log "$ROOT" t2; fail "run -d with backend settings failed"; }
wait_for 60 test -s "$B/rootfs/written" || { show_zone_log "$ROOT" t2; fail "t2 did not write its rootfs"; }
pid=$(pids_named runz-p9-backend | head -n 1)
[ -n "$pid" ] || fail "no runz-p9-backend process for t2"
backend_user "$pid" 3000000000
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '--max-fids 512 ' ||
  fail "backend.maxFids did not reach the backend: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
runz --root "$ROOT" delete --force t2 || fail "delete t2 failed"

echo '{"backend": {"idBase": 5}}' >"$RUNZ_TEST_TMP/bad.json"
if (cd "$B" && RUNZ_CONFIG=$RUNZ_TEST_TMP/bad.json runz --root "$ROOT" run -d t3 >"$RUNZ_TEST_TMP/out" 2>&1); then
  fail "an idBase of 5 was taken"
fi
cat "$RUNZ_TEST_TMP/out"
grep -q 'backend.idBase' "$RUNZ_TEST_TMP/out" || fail "the refusal does not name backend.idBase"
trap - EXIT
assert_clean "$ROOT"
log "ok"
