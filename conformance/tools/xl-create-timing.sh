#!/bin/sh
# xl-create-timing.sh [ROUNDS]: run in dom0 (conformance/run-shell --script conformance/tools/xl-create-timing.sh)
# Times `xl create` (until it returns) and create-to-marker for the zone kernel as XZ bzImage (vmlinuz) and
# as plain ELF (vmlinux), alternating, ROUNDS times each (default 2).
RUNZ_TEST_TMP=/tmp/xl-timing
mkdir -p $RUNZ_TEST_TMP
. /payload/testlib.sh
make_marker_initrd $RUNZ_TEST_TMP/initrd.cpio TIMING-MARKER
up() { cut -d' ' -f1 /proc/uptime; }
rounds=${1:-2}
# vmlinux: the zone dir's (runz's real input); vmlinuz: the same kernel as the Debian bzImage
mkdir -p $RUNZ_TEST_TMP/k
ln -sf "$ZONE_DIR/vmlinux" $RUNZ_TEST_TMP/k/vmlinux
ln -sf /usr/share/runz-conformance/vmlinuz $RUNZ_TEST_TMP/k/vmlinuz
KDIR=$RUNZ_TEST_TMP/k
i=0
while [ $i -lt "$rounds" ]; do
  i=$((i + 1))
  for k in vmlinuz vmlinux; do
    n=t-$k-$i
    t0=$(up)
    xl create /dev/null "name=\"$n\"" "type=\"pv\"" "kernel=\"$KDIR/$k\"" "ramdisk=\"$RUNZ_TEST_TMP/initrd.cpio\"" \
      'extra="console=hvc0 rdinit=/init quiet"' memory=256 vcpus=1 'on_poweroff="preserve"' >/dev/null 2>&1 ||
      echo "xl create $k failed"
    t1=$(up)
    wait_for 120 grep -q TIMING-MARKER /var/log/xen/console/guest-$n.log
    t2=$(up)
    awk -v k=$k -v a=$t0 -v b=$t1 -v c=$t2 'BEGIN{printf "XL-TIMING %s xl_create_s=%.2f create_to_marker_s=%.2f\n", k, b-a, c-a}'
    xl destroy $n
  done
done
cat /proc/loadavg
