#!/bin/sh
# The rootfs and bind mounts are served live by the 9pfs backend: a file written in the zone lands in the
# bundle's rootfs on the host; a bind-mounted host file is readable at its destination; an `ro` bind mount
# and a `root.readonly` rootfs refuse writes with EROFS even after the zone remounts them read-write (the
# backend enforces it, not only the guest); `../` and symlinks cannot reach host files outside the exports.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
H=$RUNZ_TEST_TMP/host
busybox_bundle "$B"
mkdir -p "$H/rodir" "$H/rwdir" "$B/rootfs/mnt/ro" "$B/rootfs/mnt/rw" "$B/rootfs/etc"
echo "host-file-content" >"$H/hostfile"
echo "ro-dir-content" >"$H/rodir/existing"
echo "TOP-SECRET" >"$RUNZ_TEST_TMP/secret"
touch "$B/rootfs/etc/hostfile"
# escape attempts planted on the host side: relative and absolute symlinks pointing outside the rootfs
ln -s ../../secret "$B/rootfs/rel-escape"
ln -s "$RUNZ_TEST_TMP/secret" "$B/rootfs/abs-escape"
ln -s ../../../secret "$H/rwdir/rel-escape"

cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {
    "user": {"uid": 0, "gid": 0},
    "args": ["sh", "/check.sh"],
    "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"], "effective": ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"],
      "permitted": ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"]
    }
  },
  "root": {"path": "rootfs"},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/etc/hostfile", "type": "bind", "source": "$H/hostfile", "options": ["rbind", "ro"]},
    {"destination": "/mnt/ro", "type": "bind", "source": "$H/rodir", "options": ["rbind", "ro"]},
    {"destination": "/mnt/rw", "type": "bind", "source": "$H/rwdir", "options": ["rbind", "rw"]}
  ]
}
JSON
cat >"$B/rootfs/check.sh" <<'SH'
try() { if "$@" 2>/tmp/err; then echo ok; else cat /tmp/err; fi; }
echo "write-root=$(try sh -c 'echo written-in-zone >/written')"
echo "write-rw=$(try sh -c 'echo rw-in-zone >/mnt/rw/new')"
echo "read-bind=$(cat /etc/hostfile)"
echo "read-ro=$(cat /mnt/ro/existing)"
echo "write-ro=$(try sh -c 'echo x >/mnt/ro/new')"
echo "write-bindfile=$(try sh -c 'echo x >>/etc/hostfile')"
mount -o remount,rw,bind /mnt/ro 2>/dev/null; mount -o remount,rw /mnt/ro 2>/dev/null
echo "write-ro-remounted=$(try sh -c 'echo x >/mnt/ro/new2')"
echo "rel-escape=$(cat /rel-escape 2>&1)"
echo "abs-escape=$(cat /abs-escape 2>&1)"
echo "dotdot=$(cat /../../secret 2>&1) $(cat /mnt/rw/../../../secret 2>&1)"
echo "rw-escape=$(cat /mnt/rw/rel-escape 2>&1)"
SH

zone_run "$B" t1
[ "$RUN_RC" -eq 0 ] || fail "run exited $RUN_RC"
O=$RUNZ_TEST_TMP/out
grep -qx 'write-root=ok' "$O" || fail "write to the rootfs failed"
[ "$(cat "$B/rootfs/written")" = written-in-zone ] || fail "the zone's write did not land in the host rootfs"
[ "$(cat "$H/rwdir/new")" = rw-in-zone ] || fail "the zone's write did not land in the rw bind mount's source"
grep -qx 'read-bind=host-file-content' "$O" || fail "bind-mounted file not readable: $(grep '^read-bind=' "$O")"
grep -qx 'read-ro=ro-dir-content' "$O" || fail "ro bind mount not readable"
grep -q '^write-ro=.*Read-only file system' "$O" || fail "ro mount: $(grep '^write-ro=' "$O")"
grep -q '^write-bindfile=.*Read-only file system' "$O" || fail "ro file mount: $(grep '^write-bindfile=' "$O")"
grep -q '^write-ro-remounted=.*Read-only file system' "$O" ||
  fail "ro mount writable after an in-zone remount: $(grep '^write-ro-remounted=' "$O")"
[ ! -e "$H/rodir/new" ] && [ ! -e "$H/rodir/new2" ] || fail "a file appeared in the ro source dir"
[ "$(cat "$H/hostfile")" = host-file-content ] || fail "the ro bind-mounted file changed on the host"
grep -q 'TOP-SECRET' "$O" && fail "a file outside the exports was read: $(grep TOP-SECRET "$O")"
grep -q '^rel-escape=' "$O" && grep -q '^abs-escape=' "$O" && grep -q '^rw-escape=' "$O" || fail "escape checks did not run"
runz --root "$ROOT" delete t1 2>/dev/null

log "root.readonly"
sed -i 's/"root": {"path": "rootfs"}/"root": {"path": "rootfs", "readonly": true}/' "$B/config.json"
cat >"$B/rootfs/check.sh" <<'SH'
try() { if "$@" 2>/tmp/err; then echo ok; else cat /tmp/err; fi; }
echo "write-root=$(try sh -c 'echo x >/ro-written')"
mount -o remount,rw / 2>/dev/null
echo "write-root-remounted=$(try sh -c 'echo x >/ro-written2')"
echo "read-root=$(cat /written)"
SH
zone_run "$B" t2
[ "$RUN_RC" -eq 0 ] || fail "readonly run exited $RUN_RC"
grep -qx 'read-root=written-in-zone' "$O" || fail "readonly rootfs not readable"
grep -q '^write-root=.*Read-only file system' "$O" || fail "root.readonly: $(grep '^write-root=' "$O")"
grep -q '^write-root-remounted=.*Read-only file system' "$O" ||
  fail "root.readonly writable after an in-zone remount: $(grep '^write-root-remounted=' "$O")"
[ ! -e "$B/rootfs/ro-written" ] && [ ! -e "$B/rootfs/ro-written2" ] || fail "a file appeared in the readonly rootfs"
assert_clean "$ROOT"
exit 0
