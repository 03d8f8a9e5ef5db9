#!/bin/sh
# runz in the image is an installed Debian package: build-image.sh put it there with `dpkg -i` of the .deb
# (no copying), and its postinst built the zone image. Checks dpkg's view and the files at the packaged paths.
# timeout: 120
. "$RUNZ_TESTLIB"
# dom0's busybox sh runs its own dpkg/dpkg-deb applets before PATH (standalone shell): the real ones by path
dpkg() { /usr/bin/dpkg "$@"; }
DPKG_DEB=/usr/bin/dpkg-deb
DEB=/usr/share/runz-conformance/runz.deb
[ -f "$DEB" ] || fail "no $DEB in the image (build-image.sh keeps the .deb it installed there)"

status=$(dpkg-query -W -f='${Status} ${Version}' runz 2>&1) || fail "dpkg-query: $status"
log "dpkg -s runz: $status"
case $status in "install ok installed "*) ;; *) fail "runz is not 'install ok installed': $status" ;; esac
[ "${status##* }" = "$("$DPKG_DEB" -f "$DEB" Version)" ] || fail "installed version ${status##* } is not the .deb's"

# the package's files are where the package puts them, and they are the .deb's (dpkg's md5sums)
dpkg -L runz >"$RUNZ_TEST_TMP/list" || fail "dpkg -L runz failed"
for f in /usr/bin/runz /usr/bin/containerd-shim-runz-v2 /usr/lib/runz/runz-agent /usr/lib/runz/runz-p9-backend \
         /usr/lib/runz/runz-xen-boot /usr/lib/runz/runz-zone-image /etc/kernel/postinst.d/runz-zone-image; do
  grep -qx "$f" "$RUNZ_TEST_TMP/list" || fail "dpkg -L runz does not list $f"
  [ -x "$f" ] || fail "$f is not an executable file"
done
n=0
while read -r f; do [ -e "$f" ] || fail "listed file $f is missing"; n=$((n + 1)); done <"$RUNZ_TEST_TMP/list"
log "all $n paths of dpkg -L runz exist"
"$DPKG_DEB" -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^$' | sort >"$RUNZ_TEST_TMP/deb"
sed 's|/$||' "$RUNZ_TEST_TMP/list" | grep -v '^/\.$' | sort >"$RUNZ_TEST_TMP/installed"
diff "$RUNZ_TEST_TMP/deb" "$RUNZ_TEST_TMP/installed" || fail "dpkg -L runz is not the .deb's file list"
out=$(dpkg -V runz 2>&1) || fail "dpkg -V runz failed: $out"
[ -z "$out" ] || fail "installed files differ from the package (dpkg -V): $out"
log "dpkg -V runz: every file matches the package's md5sums"
dpkg-query -W -f='${Conffiles}\n' runz | grep -q '^ /etc/kernel/postinst.d/runz-zone-image ' ||
  fail "the kernel hook is not a conffile"
cmp -s "$(command -v runz)" /usr/bin/runz || fail "runz on PATH is not the packaged /usr/bin/runz"
v=$(runz --version 2>&1) || fail "runz --version: $v"
log "runz --version: $(echo "$v" | head -n 1)"

# the postinst built the zone image from dom0's kernel (not part of the package's file list)
grep -q '^/usr/lib/runz/zone' "$RUNZ_TEST_TMP/list" && fail "the zone image is in the package's file list"
[ -L "$ZONE_DIR" ] || fail "$ZONE_DIR is not the symlink runz-zone-image makes"
[ "$(head -c 4 "$ZONE_DIR/vmlinux" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] || fail "$ZONE_DIR/vmlinux is not ELF"
[ "$(cat "$ZONE_DIR/kernel.release")" = "$(uname -r)" ] ||
  fail "zone kernel.release '$(cat "$ZONE_DIR/kernel.release")' is not dom0's $(uname -r)"
gzip -dc "$ZONE_DIR/initrd.img" | cpio -t 2>/dev/null >"$RUNZ_TEST_TMP/initrd" || fail "initrd.img is not a gzip'ed cpio"
for e in init lib/modules/modules.list lib/modules/9pnet_xen.ko; do
  grep -qx "$e" "$RUNZ_TEST_TMP/initrd" || fail "zone initrd lacks /$e"
done
log "zone image from the postinst: $(readlink "$ZONE_DIR"): $(ls "$ZONE_DIR/" | tr '\n' ' ')"
echo PASS
