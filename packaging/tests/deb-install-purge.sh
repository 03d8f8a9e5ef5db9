#!/bin/sh
# Install/remove/purge test of the runz .deb, for a Debian dom0 (the emulated Xen host): run as root.
#   deb-install-purge.sh PATH/TO/runz_*.deb [--expect-zone]
#     --expect-zone  fail unless installing built /usr/lib/runz/zone (needs the guest agent in the .deb and
#                    an installed kernel with 9pnet_xen); without it a missing zone image is only reported
# Needs dpkg and the .deb's Depends already installed (it runs `dpkg -i`, no network).
# Checks:  dpkg -i → every listed file present, zone image valid (if built), kernel hook exits 0;
#          dpkg -i again (reinstall) → zone rebuilt, no stale temp dirs;
#          dpkg -r → /usr/lib/runz gone, only the conffile left, hook is a silent no-op;
#          dpkg -P → the file system under /etc /usr /opt is as before the install;
#          dpkg -i; dpkg -P → same.
# Last line: PASS, or FAIL (with the failed checks above it). Exit 0 / 1.
set -u
DEB=${1:-}
EXPECT_ZONE=""
[ "${2:-}" = --expect-zone ] && EXPECT_ZONE=1
if [ -z "$DEB" ] || [ ! -f "$DEB" ]; then echo "usage: $0 PATH/TO/runz_*.deb [--expect-zone]"; echo FAIL; exit 1; fi
[ "$(id -u)" = 0 ] || { echo "must run as root"; echo FAIL; exit 1; }
PKG=$(dpkg-deb -f "$DEB" Package)
HOOK=/etc/kernel/postinst.d/runz-zone-image
ZONE=/usr/lib/runz/zone
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
ok() { echo "ok: $*"; }

snapshot() { # the file system, without what dpkg and man-db keep for themselves
  find /etc /usr /opt -xdev 2>/dev/null | grep -v -E '^/etc/ld\.so\.cache$' | LC_ALL=C sort >"$1"
}
installed() { dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'install ok installed'; }

check_installed() {
  installed && ok "$PKG installed" || fail "$PKG is not 'install ok installed' after dpkg -i"
  missing=0
  for f in $(dpkg -L "$PKG"); do [ -e "$f" ] || { fail "listed file $f is missing"; missing=1; }; done
  [ "$missing" = 0 ] && ok "every file of dpkg -L $PKG exists"
  if [ -e "$ZONE/vmlinux" ]; then
    [ "$(head -c 4 "$ZONE/vmlinux" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] && ok "zone vmlinux is ELF" ||
      fail "$ZONE/vmlinux is not ELF"
    if gzip -dc "$ZONE/initrd.img" 2>/dev/null | cpio -t 2>/dev/null >"$TMP/initrd.list"; then :; else
      cpio -t <"$ZONE/initrd.img" >"$TMP/initrd.list" 2>/dev/null; fi
    for e in init lib/modules/modules.list lib/modules/9pnet_xen.ko; do
      grep -qx "$e" "$TMP/initrd.list" && ok "initrd has /$e" || fail "initrd lacks /$e"
    done
    [ -s "$ZONE/kernel.release" ] && ok "zone kernel.release: $(cat "$ZONE/kernel.release")" ||
      fail "$ZONE/kernel.release missing or empty"
  elif [ -n "$EXPECT_ZONE" ]; then
    fail "no zone image after installation ($ZONE/vmlinux missing)"
  else
    echo "note: no zone image built (no guest agent in the package, or no kernel with 9pnet_xen)"
  fi
  if [ -x "$HOOK" ]; then
    "$HOOK" "$(uname -r)" >"$TMP/hook.out" 2>&1 && ok "kernel hook exits 0" || fail "kernel hook failed: $(cat "$TMP/hook.out")"
  else
    fail "kernel hook $HOOK missing"
  fi
}

if installed; then dpkg -P "$PKG" >/dev/null 2>&1; fi
snapshot "$TMP/before"

echo "--- dpkg -i"
dpkg -i "$DEB" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "dpkg -i $DEB failed"; }
cat "$TMP/log" | grep -i 'runz' | grep -i note || true
check_installed

echo "--- dpkg -i again (reinstall)"
first=$(readlink "$ZONE" 2>/dev/null || true)
dpkg -i "$DEB" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "second dpkg -i failed"; }
check_installed
if [ -n "$first" ]; then
  [ "$(readlink "$ZONE")" != "$first" ] && ok "reinstall rebuilt the zone image" || fail "reinstall did not rebuild the zone image"
  n=$(find /usr/lib/runz -maxdepth 1 -name '.zone.*' -type d | wc -l)
  [ "$n" = 1 ] && ok "one zone directory, no stale temp dirs" || fail "$n .zone.* directories in /usr/lib/runz"
fi

echo "--- dpkg -r"
dpkg -r "$PKG" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "dpkg -r failed"; }
grep -i 'not empty so not removed' "$TMP/log" && fail "dpkg -r left a non-empty directory"
[ ! -e /usr/lib/runz ] && ok "/usr/lib/runz removed" || fail "/usr/lib/runz left after dpkg -r: $(ls -A /usr/lib/runz)"
[ -e "$HOOK" ] && ok "conffile $HOOK kept by dpkg -r" || fail "conffile $HOOK gone after dpkg -r"
if [ -e "$HOOK" ]; then
  out=$("$HOOK" "$(uname -r)" 2>&1); rc=$?
  [ "$rc" = 0 ] && [ -z "$out" ] && ok "hook of a removed runz is a silent no-op" || fail "hook after dpkg -r: rc=$rc '$out'"
fi

echo "--- dpkg -P"
dpkg -P "$PKG" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "dpkg -P failed"; }
snapshot "$TMP/after"
if cmp -s "$TMP/before" "$TMP/after"; then ok "purge left the file system as before"; else
  fail "purge left differences under /etc /usr /opt:"; diff "$TMP/before" "$TMP/after" | sed 's/^/    /'; fi

echo "--- dpkg -i; dpkg -P"
dpkg -i "$DEB" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "dpkg -i (second cycle) failed"; }
dpkg -P "$PKG" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "dpkg -P (second cycle) failed"; }
snapshot "$TMP/after2"
if cmp -s "$TMP/before" "$TMP/after2"; then ok "install + purge left the file system as before"; else
  fail "install + purge left differences:"; diff "$TMP/before" "$TMP/after2" | sed 's/^/    /'; fi

if [ "$FAILS" = 0 ]; then echo PASS; exit 0; fi
echo "FAIL ($FAILS)"
exit 1
