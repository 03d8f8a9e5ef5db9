#!/bin/sh
# The emulated host keeps a process's vector registers while it is descheduled: runz-vector-check's
# checkers hold patterns in xmm/ymm0-15 across a spin while marker zones boot and shut down (vCPUs of two
# domains share the emulated CPUs). Under QEMU TCG, Xen's lazy FPU switching lost that state and processes
# in dom0 and zones crashed at random, so lib/boot.sh gives Xen `spec-ctrl=eager-fpu`
# (conformance/README.md, "Vector registers"). This test fails if that protection goes away.
# timeout: 240
. "$RUNZ_TESTLIB"
CHECK=/payload/bin/runz-vector-check
[ -x "$CHECK" ] || fail "no $CHECK in the payload (built by conformance/CMakeLists.txt)"
SECONDS_=${VECTOR_CHECK_SECONDS:-20} # lazy switching lost registers thousands of times in 5 minutes: 20 s sees it
make_marker_initrd "$RUNZ_TEST_TMP/initrd.cpio" VECTOR-MARKER || fail "could not build the test initramfs"

"$CHECK" "$SECONDS_" >"$RUNZ_TEST_TMP/check.log" 2>&1 &
check_pid=$!
zones=0
while kill -0 "$check_pid" 2>/dev/null; do
  zones=$((zones + 1))
  name=vector-$zones
  xl create /dev/null "name=\"$name\"" 'type="pv"' "kernel=\"$ZONE_DIR/vmlinux\"" \
    "ramdisk=\"$RUNZ_TEST_TMP/initrd.cpio\"" 'extra="console=hvc0 rdinit=/init quiet"' memory=256 vcpus=1 \
    'on_poweroff="preserve"' >/dev/null 2>&1 || fail "xl create $name failed"
  wait_for 120 grep -q VECTOR-MARKER "/var/log/xen/console/guest-$name.log" || fail "zone $name printed no marker"
  xl destroy "$name" || fail "xl destroy $name failed"
done
wait "$check_pid"
rc=$?
cat "$RUNZ_TEST_TMP/check.log"
log "$zones zones booted meanwhile"
[ "$rc" = 0 ] || fail "vector registers changed under a descheduled process (runz-vector-check exit $rc)"
left=$(other_domains)
[ -z "$left" ] || { xl list; fail "domains left: $left"; }
