#!/bin/sh
# Removing and purging the installed runz leaves none of its files; install, reinstall, remove and purge
# of the same .deb in dom0 (the one build-image.sh installed, /usr/share/runz-conformance/runz.deb):
#   dpkg -r   /usr/lib/runz (with the generated zone image) gone, only the conffile left, the kernel hook a
#             silent no-op, dpkg status config-files;
#   dpkg -P   none of the package's files left; /etc /usr /opt /boot as before the image's install minus
#             exactly the package's paths;
#   dpkg -i   every listed file present, zone image rebuilt by the postinst, kernel hook exits 0;
#   dpkg -i   again (reinstall): zone rebuilt, one zone directory;
#   dpkg -P   the file system as after the first purge.
# It ends with runz installed again (dpkg -i), so suites after it in the same boot still have runz.
# timeout: 1500
. "$RUNZ_TESTLIB"
# dom0's busybox sh runs its own dpkg applet before PATH (standalone shell): the real dpkg by path
dpkg() { /usr/bin/dpkg "$@"; }
DEB=/usr/share/runz-conformance/runz.deb
PKG=runz
HOOK=/etc/kernel/postinst.d/runz-zone-image
ZONE=/usr/lib/runz/zone
T=$RUNZ_TEST_TMP
FAILS=0
bad() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
ok() { log "ok: $*"; }
[ -f "$DEB" ] || fail "no $DEB"
[ "$(id -u)" = 0 ] || fail "must run as root"

snapshot() { find /etc /usr /opt /boot -xdev 2>/dev/null | grep -v -E '^/etc/ld\.so\.cache$' | LC_ALL=C sort >"$1"; }
pkg_status() { dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null; }

check_installed() { # $1: what was done; $2 = hook: also run the kernel hook (a zone image rebuild, ~1.5 min under TCG)
  [ "$(pkg_status)" = "install ok installed" ] && ok "$1: $PKG installed" || bad "$1: status '$(pkg_status)'"
  missing=0
  for f in $(dpkg -L "$PKG"); do [ -e "$f" ] || { bad "$1: listed file $f is missing"; missing=1; }; done
  [ "$missing" = 0 ] && ok "$1: every file of dpkg -L $PKG exists"
  out=$(dpkg -V "$PKG" 2>&1); [ -z "$out" ] && ok "$1: dpkg -V clean" || bad "$1: dpkg -V: $out"
  [ "$(head -c 4 "$ZONE/vmlinux" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
    ok "$1: postinst made the zone image ($(readlink "$ZONE"))" || bad "$1: no zone vmlinux (ELF) at $ZONE"
  gzip -dc "$ZONE/initrd.img" 2>/dev/null | cpio -t 2>/dev/null | grep -qx init || bad "$1: zone initrd has no /init"
  if [ "${2:-}" = hook ]; then
    out=$("$HOOK" "$(uname -r)" 2>&1) && ok "$1: kernel hook exits 0" || bad "$1: kernel hook failed: $out"
  fi
}

# --- the image's installed runz
[ "$(pkg_status)" = "install ok installed" ] || fail "runz is not installed in the image: '$(pkg_status)'"
snapshot "$T/installed"
dpkg -L "$PKG" | grep -v '^/\.$' >"$T/pkg-paths"
while read -r p; do [ -d "$p" ] && [ ! -L "$p" ] || echo "$p"; done <"$T/pkg-paths" >"$T/pkg-files"
log "runz installed: $(wc -l <"$T/pkg-files") files, zone image $(readlink "$ZONE")"

log "--- dpkg -r"
dpkg -r "$PKG" >"$T/log" 2>&1 || { cat "$T/log"; bad "dpkg -r failed"; }
grep -i 'not empty so not removed' "$T/log" && bad "dpkg -r left a non-empty directory"
[ ! -e /usr/lib/runz ] && ok "/usr/lib/runz (zone image included) removed" || bad "/usr/lib/runz left after dpkg -r: $(ls -A /usr/lib/runz)"
[ "$(pkg_status)" = "deinstall ok config-files" ] && ok "status config-files" || bad "status after dpkg -r: '$(pkg_status)'"
[ -e "$HOOK" ] && ok "conffile $HOOK kept by dpkg -r" || bad "conffile $HOOK gone after dpkg -r"
if [ -e "$HOOK" ]; then
  out=$("$HOOK" "$(uname -r)" 2>&1); rc=$?
  [ "$rc" = 0 ] && [ -z "$out" ] && ok "hook of a removed runz is a silent no-op" || bad "hook after dpkg -r: rc=$rc '$out'"
fi

log "--- dpkg -P"
dpkg -P "$PKG" >"$T/log" 2>&1 || { cat "$T/log"; bad "dpkg -P failed"; }
[ -z "$(pkg_status)" ] || [ "$(pkg_status)" = "unknown ok not-installed" ] && ok "dpkg knows no runz any more" ||
  bad "status after dpkg -P: '$(pkg_status)'"
left=0
while read -r f; do
  if [ -e "$f" ] || [ -L "$f" ]; then bad "purge left $f"; left=1; fi
done <"$T/pkg-files"
[ "$left" = 0 ] && ok "none of the package's $(wc -l <"$T/pkg-files") files is left"
snapshot "$T/purged"
# what the purge removed must be the package's paths and the generated zone image, and nothing else
LC_ALL=C grep -vxF -f "$T/purged" "$T/installed" >"$T/removed"
LC_ALL=C grep -vxF -f "$T/installed" "$T/purged" >"$T/added"
[ -s "$T/added" ] && { bad "purge added paths:"; sed 's/^/    /' "$T/added"; }
LC_ALL=C sort "$T/pkg-paths" >"$T/pkg-sorted"
LC_ALL=C grep -vxF -f "$T/pkg-sorted" "$T/removed" | grep -v -E '^/usr/lib/runz/(zone|\.zone\.)' >"$T/extra"
[ -s "$T/extra" ] && { bad "purge removed paths that are not runz's:"; sed 's/^/    /' "$T/extra"; }
[ ! -e /usr/lib/runz ] && [ ! -e "$HOOK" ] && ok "/usr/lib/runz and the kernel hook are gone"

log "--- dpkg -i"
dpkg -i "$DEB" >"$T/log" 2>&1 || { cat "$T/log"; bad "dpkg -i $DEB failed"; }
check_installed "dpkg -i" hook

log "--- dpkg -i again (reinstall)"
first=$(readlink "$ZONE" 2>/dev/null || true)
dpkg -i "$DEB" >"$T/log" 2>&1 || { cat "$T/log"; bad "second dpkg -i failed"; }
check_installed "reinstall"
[ -n "$first" ] && [ "$(readlink "$ZONE")" != "$first" ] && ok "reinstall rebuilt the zone image" ||
  bad "reinstall did not rebuild the zone image ($first)"
n=$(find /usr/lib/runz -maxdepth 1 -name '.zone.*' -type d | wc -l)
[ "$n" = 1 ] && ok "one zone directory, no stale temp dirs" || bad "$n .zone.* directories in /usr/lib/runz"

log "--- dpkg -P"
dpkg -P "$PKG" >"$T/log" 2>&1 || { cat "$T/log"; bad "dpkg -P (second) failed"; }
snapshot "$T/purged2"
if cmp -s "$T/purged" "$T/purged2"; then ok "install + reinstall + purge left the file system as the first purge"; else
  bad "install + purge left differences:"; diff "$T/purged" "$T/purged2" | sed 's/^/    /'; fi

log "--- dpkg -i (leave runz installed for later suites)"
dpkg -i "$DEB" >"$T/log" 2>&1 || { cat "$T/log"; bad "final dpkg -i failed"; }
[ "$(pkg_status)" = "install ok installed" ] || bad "runz not installed at the end"

[ "$FAILS" = 0 ] || fail "$FAILS check(s) failed"
echo PASS
