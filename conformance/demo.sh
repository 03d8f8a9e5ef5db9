#!/bin/sh
# The "try it" demo (scripts/try.sh), run inside dom0 of the emulated Xen host.
# Until runz can run zones, it is the smoke test: a PV zone from the Debian kernel (vmlinux) built with
# `xl` and a busybox initramfs that prints a marker. It becomes `runz run` of a busybox bundle later.
echo "== dom0: $(uname -sr), Xen $(xl info | awk '/^xen_version/ {print $3}'), $(cat /proc/xen/capabilities)"
echo "== runz in dom0: $(command -v runz || echo 'not built yet')"
echo "== starting a PV zone from /usr/lib/runz/zone/vmlinux with xl (runz zones: coming)"
mkdir -p /tmp/demo
RUNZ_TESTLIB=/payload/testlib.sh RUNZ_TEST_TMP=/tmp/demo RUNZ_TEST_NAME=demo \
  sh /payload/suites/smoke/01-xl-create-pv.sh
rc=$?
[ $rc = 0 ] && echo "== demo: OK" || echo "== demo: FAILED ($rc)"
exit $rc
