#!/bin/sh
# dom0's root is a real mount (not the initramfs rootfs), so pivot_root works: runc, containerd and a
# confined 9pfs backend need that. Checked with busybox pivot_root in a private mount namespace, then with
# runc running a busybox container.
# timeout: 180
. "$RUNZ_TESTLIB"
R=$RUNZ_TEST_TMP/newroot
mkdir -p "$R"
unshare -m sh -c "
  mount -t tmpfs tmpfs '$R' && mkdir '$R/old' && cd '$R' && pivot_root . old && echo pivot-ok
" >"$RUNZ_TEST_TMP/pivot.out" 2>&1
cat "$RUNZ_TEST_TMP/pivot.out"
grep -q pivot-ok "$RUNZ_TEST_TMP/pivot.out" || fail "pivot_root in dom0 failed"

command -v runc >/dev/null || fail "runc is not in the image"
B=$RUNZ_TEST_TMP/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/busybox"
ln -s busybox "$B/rootfs/bin/sh"
(cd "$B" && runc spec) || fail "runc spec failed"
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"sh", "-c", "echo runc-in-dom0-ok; exit 7"/' "$B/config.json"
grep -A3 '"args"' "$B/config.json"
log "runc run"
runc --root /run/runc-test run --bundle "$B" smoke-runc >"$RUNZ_TEST_TMP/runc.out" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/runc.out"
[ "$rc" = 7 ] || fail "runc run exited $rc, wanted 7 (the container's status)"
grep -q runc-in-dom0-ok "$RUNZ_TEST_TMP/runc.out" || fail "container output missing"
log "runc ran a container in dom0 (exit status 7 passed through)"
