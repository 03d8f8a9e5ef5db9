#!/bin/sh
# exec-stress.sh [N]: run in dom0 (run-shell --script). Keeps a busy PV zone running and starts N short
# processes in dom0, then counts the user-space faults the dom0 kernel logged (segfault / traps:). Used to
# check the QEMU CPU model: dom0 processes died at random with -cpu max,-smap while a zone ran.
RUNZ_TEST_TMP=/tmp/exec-stress
mkdir -p $RUNZ_TEST_TMP/z/bin $RUNZ_TEST_TMP/z/dev $RUNZ_TEST_TMP/z/proc
. /payload/testlib.sh
cp /bin/busybox $RUNZ_TEST_TMP/z/bin/
printf '#!/bin/busybox sh\n/bin/busybox mount -t devtmpfs d /dev\necho SPIN-STARTED >/dev/hvc0\nwhile :; do /bin/busybox true; done\n' >$RUNZ_TEST_TMP/z/init
chmod +x $RUNZ_TEST_TMP/z/init
(cd $RUNZ_TEST_TMP/z && find . | cpio -o -H newc 2>/dev/null) >$RUNZ_TEST_TMP/spin.cpio
xl create /dev/null 'name="spin"' 'type="pv"' "kernel=\"$ZONE_DIR/vmlinux\"" "ramdisk=\"$RUNZ_TEST_TMP/spin.cpio\"" \
  'extra="console=hvc0 rdinit=/init quiet"' memory=192 vcpus=1 >/dev/null 2>&1 || echo "xl create failed"
wait_for 200 grep -q SPIN-STARTED /var/log/xen/console/guest-spin.log && echo "spinning zone up" || echo "zone not up"
n=${1:-400}
before=$(dmesg | grep -c -E 'segfault|traps:')
i=0 bad=0
t0=$(cut -d' ' -f1 /proc/uptime)
while [ $i -lt "$n" ]; do
  /bin/busybox true || bad=$((bad + 1))
  i=$((i + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
after=$(dmesg | grep -c -E 'segfault|traps:')
echo "EXEC-STRESS n=$n failed=$bad kernel_faults=$((after - before)) seconds=$(awk -v a=$t0 -v b=$t1 'BEGIN{print b-a}')"
dmesg | grep -E 'segfault|traps:' | tail -n 5
xl destroy spin
