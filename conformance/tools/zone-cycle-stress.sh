#!/bin/sh
# zone-cycle-stress.sh [K]: run in dom0 (run-shell --script). K times: xl create a marker zone, poll for the
# marker (many short dom0 processes while the zone boots), xl destroy. Prints how many user-space faults the
# dom0 kernel logged meanwhile. Reproducer for dom0 processes dying at random while a zone boots.
RUNZ_TEST_TMP=/tmp/zone-cycle
mkdir -p $RUNZ_TEST_TMP
. /payload/testlib.sh
make_marker_initrd $RUNZ_TEST_TMP/initrd.cpio CYCLE-MARKER
k=${1:-10}
before=$(dmesg | grep -c -E 'segfault|traps:')
i=0
t0=$(cut -d' ' -f1 /proc/uptime)
while [ $i -lt "$k" ]; do
  i=$((i + 1))
  xl create /dev/null "name=\"c$i\"" 'type="pv"' "kernel=\"$ZONE_DIR/vmlinux\"" "ramdisk=\"$RUNZ_TEST_TMP/initrd.cpio\"" \
    'extra="console=hvc0 rdinit=/init quiet"' memory=256 vcpus=1 'on_poweroff="preserve"' >/dev/null 2>&1 || echo "create $i failed"
  wait_for 300 grep -q CYCLE-MARKER /var/log/xen/console/guest-c$i.log || echo "no marker $i"
  xl destroy c$i
done
t1=$(cut -d' ' -f1 /proc/uptime)
after=$(dmesg | grep -c -E 'segfault|traps:')
echo "ZONE-CYCLE k=$k kernel_faults=$((after - before)) seconds=$(awk -v a=$t0 -v b=$t1 'BEGIN{print b-a}')"
