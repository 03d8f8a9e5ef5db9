#!/bin/sh
# The emulated Xen host can run a PV zone: `xl create` of the zone kernel (/usr/lib/runz/zone/vmlinux, the
# Debian kernel as ELF) with a busybox initramfs whose /init prints a marker on hvc0 and powers off. The
# marker must show up in xenconsoled's log, and after `xl destroy` only dom0 may be left (xl and xenstore).
# timeout: 240
. "$RUNZ_TESTLIB"
NAME=smoke-pv
MARKER=RUNZ-SMOKE-MARKER-$$
KERNEL=${SMOKE_KERNEL:-$ZONE_DIR/vmlinux}
[ -f "$KERNEL" ] || fail "no zone kernel at $KERNEL"

make_marker_initrd "$RUNZ_TEST_TMP/initrd.cpio" "$MARKER" || fail "could not build the test initramfs"
cat >"$RUNZ_TEST_TMP/zone.cfg" <<EOF
name = "$NAME"
type = "pv"
kernel = "$KERNEL"
ramdisk = "$RUNZ_TEST_TMP/initrd.cpio"
extra = "console=hvc0 rdinit=/init quiet"
memory = 256
vcpus = 1
on_poweroff = "preserve"
on_crash = "preserve"
EOF

log "xl create ($KERNEL)"
t0=$(cut -d' ' -f1 /proc/uptime)
xl create "$RUNZ_TEST_TMP/zone.cfg" || fail "xl create failed"
t1=$(cut -d' ' -f1 /proc/uptime)
log "xl create returned after $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"

CONSOLE=/var/log/xen/console/guest-$NAME.log
if ! wait_for 120 grep -q "$MARKER" "$CONSOLE"; then
  xl list
  echo "--- $CONSOLE ---"
  tail -n 40 "$CONSOLE" 2>/dev/null
  fail "marker not seen on the zone's console"
fi
t2=$(cut -d' ' -f1 /proc/uptime)
log "marker seen $(awk -v a="$t0" -v b="$t2" 'BEGIN{printf "%.1f", b-a}') s after xl create started: $(grep -a "$MARKER" "$CONSOLE" | head -n 1)"

# the zone powers itself off; on_poweroff=preserve keeps it as shut down ('s') until destroyed
state_has_s() { domain_state "$NAME" | grep -q s; }
wait_for 60 state_has_s || { xl list; fail "zone did not shut down (state '$(domain_state "$NAME")')"; }
log "zone shut down (state $(domain_state "$NAME"))"
xl destroy "$NAME" || fail "xl destroy failed"

left=$(other_domains)
[ -z "$left" ] || { xl list; fail "domains left after destroy: $left"; }
ids=$(xenstore_domids | tr '\n' ' ')
[ "$ids" = "0 " ] || { xenstore-ls /local/domain | head -n 40; fail "xenstore /local/domain has: $ids"; }
log "only dom0 left (xl list; xenstore /local/domain: $ids)"
