#!/usr/bin/env bash
# Unit test of runz-zone-image with a fake kernel: no downloads, a few seconds.
#   usage: zone-image-test.sh [PATH/TO/runz-zone-image]
# The fake "bzImage"s are junk bytes around a compressed ELF (a copy of /bin/true), with and without an x86
# boot-protocol header; the fake modules directory has a modules.dep and dummy .ko files. Checks every
# output and every error case. Exit 0 pass, 1 fail, 77 skipped (a needed tool is missing).
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
TOOL=${1:-$HERE/../zone-image/runz-zone-image}
TOOL=$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL")

for t in xz gzip cpio od dd cmp; do
  command -v "$t" >/dev/null || { echo "SKIP: '$t' is not installed"; exit 77; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/runz-zone-image-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
FAILS=0 CHECKS=0
pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then pass; else fail "$what"; fi; }

le32() {
  local v=$1
  printf "\\$(printf %03o $((v & 255)))\\$(printf %03o $(((v >> 8) & 255)))"
  printf "\\$(printf %03o $(((v >> 16) & 255)))\\$(printf %03o $(((v >> 24) & 255)))"
}
le16() { local v=$1; printf "\\$(printf %03o $((v & 255)))\\$(printf %03o $(((v >> 8) & 255)))"; }
bytes() { head -c "$2" /dev/zero | tr '\0' "$1"; } # bytes CHAR COUNT
put() { dd of="$1" bs=1 seek="$2" conv=notrunc status=none; } # put FILE OFFSET < data

# --- Fixtures ----------------------------------------------------------------------------------------------
ELF="$T/fake-vmlinux"
cp /bin/true "$ELF"
ELFSIZE=$(stat -c %s "$ELF")
AGENT="$T/fake-agent"
printf '#!/bin/sh\necho fake runz agent\n' >"$AGENT"

# junk + compressed ELF + junk (no header: the tool has to find the magic number)
mk_scan() { # mk_scan COMPRESSOR OUT
  { printf 'MZ fake bzImage without a header'; bytes A 3000; $1 -c <"$ELF"; bytes T 777; } >"$2"
}
mk_scan xz "$T/bz-xz"
mk_scan gzip "$T/bz-gzip"
HAVE_ZSTD=""
if command -v zstd >/dev/null; then HAVE_ZSTD=1; mk_scan "zstd -q" "$T/bz-zstd"; fi

# a bzImage with an x86 boot protocol 2.15 header: setup_sects=3, payload_offset/length, size appended
mk_hdr() { # mk_hdr OUT [RECORDED_SIZE]
  local out=$1 want=${2:-$ELFSIZE} xzf="$T/payload.xz" plen
  xz -c --check=crc32 <"$ELF" >"$xzf"
  plen=$(($(stat -c %s "$xzf") + 4))
  { printf 'MZ'; bytes S $((4 * 512 - 2)); bytes P 300; cat "$xzf"; le32 "$want"; bytes T 500; } >"$out"
  printf '\003' | put "$out" $((0x1f1))
  printf 'HdrS' | put "$out" $((0x202))
  le16 $((0x020f)) | put "$out" $((0x206))
  le32 300 | put "$out" $((0x248))
  le32 "$plen" | put "$out" $((0x24c))
}
mk_hdr "$T/bz-hdr"
mk_hdr "$T/bz-hdr-badsize" 12345
bytes A 8192 >"$T/bz-nopayload"
{ printf 'junk'; xz -c <"$ELF" | head -c 2000; bytes T 100; } >"$T/bz-truncated"

# fake modules directory
mk_mods() { # mk_mods DIR [without-9pnet_xen] [9pnet-builtin]
  local d=$1 m
  mkdir -p "$d"/kernel/net/9p "$d"/kernel/fs/9p "$d"/kernel/fs/netfs "$d"/kernel/fs/fscache "$d"/kernel/drivers/foo
  for m in net/9p/9pnet net/9p/9pnet_xen net/9p/9pnet_virtio fs/9p/9p fs/netfs/netfs drivers/foo/foo-bar; do
    printf 'fake module %s\n' "${m##*/}" >"$d/kernel/$m.ko"
  done
  printf 'fake module fscache\n' | xz -c >"$d/kernel/fs/fscache/fscache.ko.xz"
  {
    echo "kernel/drivers/foo/foo-bar.ko:"
    echo "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko.xz kernel/fs/netfs/netfs.ko"
    [ "${2:-}" = without-9pnet_xen ] || echo "kernel/net/9p/9pnet_xen.ko: kernel/net/9p/9pnet.ko"
    echo "kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko"
    [ "${3:-}" = 9pnet-builtin ] || echo "kernel/net/9p/9pnet.ko:"
    echo "kernel/fs/fscache/fscache.ko.xz: kernel/fs/netfs/netfs.ko"
    echo "kernel/fs/netfs/netfs.ko:"
  } >"$d/modules.dep"
  if [ "${2:-}" = without-9pnet_xen ]; then rm "$d/kernel/net/9p/9pnet_xen.ko"; fi
  if [ "${3:-}" = 9pnet-builtin ]; then
    rm "$d/kernel/net/9p/9pnet.ko"
    printf 'kernel/net/9p/9pnet.ko\nkernel/fs/ext4/ext4.ko\n' >"$d/modules.builtin"
  fi
}
MODS="$T/lib/modules/1.2.3-test"
mk_mods "$MODS"

# --- Output checks -----------------------------------------------------------------------------------------
# check_zone OUTDIR RELEASE "EXPECTED MODULES" [none]: every output file and the initrd's contents
check_zone() {
  local z=$1 rel=$2 mods=$3 comp=${4:-gzip} x="$T/x.$RANDOM" m line seen
  check "$z/vmlinux is the ELF kernel" cmp -s "$z/vmlinux" "$ELF"
  check "$z/kernel.release is $rel" [ "$(cat "$z/kernel.release" 2>/dev/null)" = "$rel" ]
  if [ "$comp" = gzip ]; then
    check "$z/initrd.img is gzip" gzip -t "$z/initrd.img"
    mkdir -p "$x" && (cd "$x" && gzip -dc <"$z/initrd.img" | cpio -id --quiet 2>/dev/null)
  else
    check "$z/initrd.img is an uncompressed newc cpio" [ "$(head -c 6 "$z/initrd.img")" = 070701 ]
    mkdir -p "$x" && (cd "$x" && cpio -id --quiet <"$z/initrd.img" 2>/dev/null)
  fi
  # /dev/console: a second newc archive appended to the first (cpio -i reads only the first)
  local raw="$x.raw" off hdr
  if [ "$comp" = gzip ]; then gzip -dc <"$z/initrd.img" >"$raw"; else cp "$z/initrd.img" "$raw"; fi
  off=$(grep -obUa 'dev/console' "$raw" | head -n 1 | cut -d: -f1)
  if [ -n "$off" ] && [ "$off" -ge 110 ]; then
    hdr=$(dd if="$raw" bs=1 skip=$((off - 110)) count=110 status=none)
    check "initrd /dev/console header is newc" [ "${hdr:0:6}" = 070701 ]
    check "initrd /dev/console is a char device 0600" [ "${hdr:14:8}" = 00002180 ]
    check "initrd /dev/console is 5:1" [ "${hdr:78:16}" = 0000000500000001 ]
    check "initrd /dev/console archive is 4-byte aligned" [ $(((off - 110) % 4)) = 0 ]
    check "initrd ends with a trailer" grep -qa 'TRAILER!!!' <(tail -c 200 "$raw")
  else
    fail "initrd has no /dev/console entry"
  fi
  rm -f "$raw"
  check "initrd /init is the agent" cmp -s "$x/init" "$AGENT"
  check "initrd /init is executable" [ -x "$x/init" ]
  check "initrd has /lib/modules/modules.list" [ -f "$x/lib/modules/modules.list" ]
  check "modules.list lists exactly: $mods" \
    [ "$(sort "$x/lib/modules/modules.list" | tr '\n' ' ')" = "$(printf '%s\n' $mods | sort | tr '\n' ' ')" ]
  for m in $mods; do
    check "initrd has /lib/modules/$m" [ -f "$x/lib/modules/$m" ]
    check "initrd /lib/modules/$m is the uncompressed module" \
      [ "$(cat "$x/lib/modules/$m" 2>/dev/null)" = "fake module ${m%.ko}" ]
  done
  check "initrd has no other module" [ "$(find "$x/lib/modules" -name '*.ko' | wc -l)" = "$(echo $mods | wc -w)" ]
  # load order: every module after its dependencies (the fixture's modules.dep)
  seen=" "
  while read -r line; do
    case "$line" in
      9pnet_xen.ko) check "9pnet_xen.ko after 9pnet.ko" in_list 9pnet.ko "$seen" "$mods" ;;
      9p.ko) for m in 9pnet.ko fscache.ko netfs.ko; do check "9p.ko after $m" in_list "$m" "$seen" "$mods"; done ;;
      fscache.ko) check "fscache.ko after netfs.ko" in_list netfs.ko "$seen" "$mods" ;;
    esac
    seen="$seen$line "
  done <"$x/lib/modules/modules.list"
  rm -rf "$x"
}
# in_list M SEEN MODS: M was already listed, or is not expected at all (built in)
in_list() { case "$2" in *" $1 "*) return 0 ;; esac; case " $3 " in *" $1 "*) return 1 ;; esac; return 0; }
ALLMODS="9pnet.ko 9pnet_xen.ko netfs.ko fscache.ko 9p.ko"

# run_ok NAME ARGS...: the tool exits 0
run_ok() {
  local name=$1; shift
  if "$TOOL" --quiet "$@" 2>"$T/err"; then pass; else fail "$name: exit $? ($(head -c 300 "$T/err"))"; fi
}
# run_err NAME EXPECTED-RC PATTERN ARGS...: fails with that status and one stderr line matching PATTERN
run_err() {
  local name=$1 want=$2 pat=$3 rc=0; shift 3
  "$TOOL" --quiet "$@" 2>"$T/err" >/dev/null || rc=$?
  check "$name: exit status $want (got $rc)" [ "$rc" = "$want" ]
  check "$name: one line on stderr (got $(wc -l <"$T/err"))" [ "$(wc -l <"$T/err")" = 1 ]
  if grep -q -- "$pat" "$T/err"; then pass; else fail "$name: stderr '$(cat "$T/err")' lacks '$pat'"; fi
}
COMMON=(--modules "$MODS" --agent "$AGENT")

# --- Decompression paths -----------------------------------------------------------------------------------
run_ok "xz, found by magic" --kernel "$T/bz-xz" "${COMMON[@]}" --out "$T/z1"
check_zone "$T/z1" 1.2.3-test "$ALLMODS"
run_ok "gzip, found by magic" --kernel "$T/bz-gzip" "${COMMON[@]}" --out "$T/z2"
check "gzip: vmlinux" cmp -s "$T/z2/vmlinux" "$ELF"
if [ -n "$HAVE_ZSTD" ]; then
  run_ok "zstd, found by magic" --kernel "$T/bz-zstd" "${COMMON[@]}" --out "$T/z3"
  check "zstd: vmlinux" cmp -s "$T/z3/vmlinux" "$ELF"
else
  echo "note: zstd not installed, zstd case not tested"
fi
run_ok "xz, located by the boot header" --kernel "$T/bz-hdr" "${COMMON[@]}" --out "$T/z4"
check "header: vmlinux" cmp -s "$T/z4/vmlinux" "$ELF"
run_ok "already ELF" --kernel "$ELF" "${COMMON[@]}" --out "$T/z5"
check "ELF input: vmlinux copied" cmp -s "$T/z5/vmlinux" "$ELF"
run_ok "uncompressed initrd" --kernel "$T/bz-xz" "${COMMON[@]}" --out "$T/z6" --compress none
check_zone "$T/z6" 1.2.3-test "$ALLMODS" none
run_ok "--kernel-version names the release" --kernel "$T/bz-xz" "${COMMON[@]}" --kernel-version 9.9-custom \
  --out "$T/z7"
check "--kernel-version: kernel.release" [ "$(cat "$T/z7/kernel.release")" = 9.9-custom ]

# --- Kernel selection under --root -------------------------------------------------------------------------
R="$T/root"
mkdir -p "$R/boot"
cp "$T/bz-xz" "$R/boot/vmlinuz-1.2.3-test"
cp "$T/bz-hdr" "$R/boot/vmlinuz-1.2.10-test"
mkdir -p "$R/lib/modules" && cp -a "$MODS" "$R/lib/modules/1.2.10-test" && cp -a "$MODS" "$R/lib/modules/1.2.3-test"
run_ok "default: newest /boot/vmlinuz-*" --root "$R" --agent "$AGENT" --out "$T/z8"
check_zone "$T/z8" 1.2.10-test "$ALLMODS"
run_ok "--kernel-version under --root" --root "$R" --kernel-version 1.2.3-test --agent "$AGENT" --out "$T/z9"
check_zone "$T/z9" 1.2.3-test "$ALLMODS"
run_ok "--kernel vmlinuz-V implies its modules" --root "$R" --kernel "$R/boot/vmlinuz-1.2.3-test" \
  --agent "$AGENT" --out "$T/z10"
check "--kernel vmlinuz-V: release" [ "$(cat "$T/z10/kernel.release")" = 1.2.3-test ]

# --- Module resolution -------------------------------------------------------------------------------------
mk_mods "$T/mods-builtin/4.0-b" "" 9pnet-builtin
run_ok "built-in 9pnet" --kernel "$T/bz-xz" --modules "$T/mods-builtin/4.0-b" --agent "$AGENT" --out "$T/z11"
check_zone "$T/z11" 4.0-b "9pnet_xen.ko netfs.ko fscache.ko 9p.ko"
# xen-netfront (the zone's NICs) goes in when the kernel has it, after its dependencies; the fixtures above
# lack it, and still build (a zone without network).
mk_mods "$T/mods-net/4.1-n"
mkdir -p "$T/mods-net/4.1-n/kernel/drivers/net"
printf 'fake module xen-netfront\n' >"$T/mods-net/4.1-n/kernel/drivers/net/xen-netfront.ko"
echo "kernel/drivers/net/xen-netfront.ko: kernel/fs/netfs/netfs.ko" >>"$T/mods-net/4.1-n/modules.dep"
run_ok "xen-netfront" --kernel "$T/bz-xz" --modules "$T/mods-net/4.1-n" --agent "$AGENT" --out "$T/z11n"
check_zone "$T/z11n" 4.1-n "$ALLMODS xen-netfront.ko"
x="$T/x11n"; mkdir -p "$x" && (cd "$x" && gzip -dc <"$T/z11n/initrd.img" | cpio -id --quiet 2>/dev/null)
check "xen-netfront.ko after netfs.ko" \
  [ "$(grep -n -x -e netfs.ko -e xen-netfront.ko "$x/lib/modules/modules.list" | cut -d: -f2 | tr '\n' ' ')" = "netfs.ko xen-netfront.ko " ]

# No modules.dep (a kernel unpacked with dpkg-deb -x, never depmod'ed): dependencies come from modinfo,
# so the fake modules need a real .modinfo section.
if command -v modinfo >/dev/null && command -v cc >/dev/null && command -v objcopy >/dev/null; then
  MI="$T/mods-modinfo/5.0-m"
  mkdir -p "$MI/kernel"
  echo 'int runz_fake_module;' | cc -c -x c - -o "$T/empty.o"
  mk_ko() { # mk_ko NAME DEPENDS
    printf 'name=%s\0depends=%s\0' "$1" "$2" >"$T/mi"
    objcopy --add-section .modinfo="$T/mi" "$T/empty.o" "$MI/kernel/$1.ko"
  }
  mk_ko 9pnet "" ; mk_ko 9pnet_xen 9pnet ; mk_ko 9p 9pnet,fscache,netfs ; mk_ko fscache netfs ; mk_ko netfs ""
  mk_ko 9pnet_virtio 9pnet
  xz "$MI/kernel/fscache.ko"
  run_ok "modinfo fall-back" --kernel "$T/bz-xz" --modules "$MI" --agent "$AGENT" --out "$T/z12"
  x="$T/x12"; mkdir -p "$x" && (cd "$x" && gzip -dc <"$T/z12/initrd.img" | cpio -id --quiet 2>/dev/null)
  order=$(tr '\n' ' ' <"$x/lib/modules/modules.list")
  check "modinfo fall-back: order '$order'" [ "$order" = "9pnet.ko 9pnet_xen.ko netfs.ko fscache.ko 9p.ko " ]
  xz -dc "$MI/kernel/fscache.ko.xz" >"$T/fscache.ko"
  check "modinfo fall-back: .ko.xz decompressed" cmp -s "$x/lib/modules/fscache.ko" "$T/fscache.ko"
else
  echo "note: modinfo, cc or objcopy missing, modinfo fall-back not tested"
fi

# --- Atomic replacement ------------------------------------------------------------------------------------
Z="$T/atomic/zone"
run_ok "first build" --kernel "$T/bz-xz" "${COMMON[@]}" --out "$Z"
check "--out is a symlink into its parent" [ -L "$Z" ]
first=$(readlink "$Z")
run_ok "rebuild" --kernel "$T/bz-hdr" "${COMMON[@]}" --out "$Z"
second=$(readlink "$Z")
check "rebuild points --out at a new directory" [ "$first" != "$second" ]
check "rebuild removed the old directory" [ ! -e "$T/atomic/$first" ]
check "parent holds only zone, its directory and the lock" \
  [ "$(cd "$T/atomic" && ls -A | sort | tr '\n' ' ')" = "$(printf '%s\n' .zone.lock "$second" zone | sort | tr '\n' ' ')" ]
run_err "failed rebuild" 1 "no agent" --kernel "$T/bz-xz" --modules "$MODS" --agent "$T/nope" --out "$Z"
run_err "failed rebuild (payload)" 1 "cannot find the compressed kernel payload" \
  --kernel "$T/bz-nopayload" "${COMMON[@]}" --out "$Z"
check "a failed rebuild leaves --out as it was" [ "$(readlink "$Z")" = "$second" ]
check "a failed rebuild leaves no temporary files" \
  [ "$(cd "$T/atomic" && ls -A | sort | tr '\n' ' ')" = "$(printf '%s\n' .zone.lock "$second" zone | sort | tr '\n' ' ')" ]
check_zone "$Z" 1.2.3-test "$ALLMODS"
mkdir -p "$T/plain/zone" && echo old >"$T/plain/zone/vmlinux"
run_ok "--out a plain directory" --kernel "$T/bz-xz" "${COMMON[@]}" --out "$T/plain/zone"
check "plain directory replaced" cmp -s "$T/plain/zone/vmlinux" "$ELF"
check "plain directory: nothing left beside" [ "$(cd "$T/plain" && ls -A | wc -l)" = 3 ]
mkdir -p "$T/stale/.zone.AbC123" && echo x >"$T/stale/.zone.AbC123/vmlinux"
run_ok "stale temp dir" --kernel "$T/bz-xz" "${COMMON[@]}" --out "$T/stale/zone"
check "stale temp dir removed" [ ! -e "$T/stale/.zone.AbC123" ]

# --- Errors: exit 1, one line naming what is missing ------------------------------------------------------
mkdir -p "$T/empty-root"
run_err "no kernel" 1 "no kernel found" --root "$T/empty-root" --agent "$AGENT" --out "$T/e"
run_err "no such --kernel" 1 "no kernel found: $T/none" --kernel "$T/none" "${COMMON[@]}" --out "$T/e"
run_err "no such --kernel-version" 1 "no kernel found: no $R/boot/vmlinuz-7.7" --root "$R" --kernel-version 7.7 \
  --agent "$AGENT" --out "$T/e"
run_err "no modules dir" 1 "no modules directory: $T/nomods" --kernel "$T/bz-xz" --modules "$T/nomods" \
  --agent "$AGENT" --out "$T/e"
cp "$T/bz-xz" "$R/boot/vmlinuz-2.0-nomods"
run_err "no modules dir for the newest kernel" 1 "no modules directory: $R/lib/modules/2.0-nomods" --root "$R" \
  --agent "$AGENT" --out "$T/e"
rm "$R/boot/vmlinuz-2.0-nomods"
mk_mods "$T/mods-no9pxen/3.0-n" without-9pnet_xen
run_err "no 9pnet_xen" 1 "no 9pnet_xen module in $T/mods-no9pxen/3.0-n" --kernel "$T/bz-xz" \
  --modules "$T/mods-no9pxen/3.0-n" --agent "$AGENT" --out "$T/e"
mk_mods "$T/mods-nonetfs/3.1-n"
rm "$T/mods-nonetfs/3.1-n/kernel/fs/netfs/netfs.ko"
sed -i '/^kernel\/fs\/netfs\/netfs.ko:/d' "$T/mods-nonetfs/3.1-n/modules.dep"
run_err "missing dependency" 1 "module netfs (needed by fscache) is not in" --kernel "$T/bz-xz" \
  --modules "$T/mods-nonetfs/3.1-n" --agent "$AGENT" --out "$T/e"
run_err "no agent" 1 "no agent: $T/none" --kernel "$T/bz-xz" --modules "$MODS" --agent "$T/none" --out "$T/e"
run_err "no payload" 1 "cannot find the compressed kernel payload in $T/bz-nopayload" --kernel "$T/bz-nopayload" \
  "${COMMON[@]}" --out "$T/e"
run_err "truncated payload" 1 "cannot find the compressed kernel payload" --kernel "$T/bz-truncated" \
  "${COMMON[@]}" --out "$T/e"
run_err "header size mismatch" 1 "the header says 12345" --kernel "$T/bz-hdr-badsize" "${COMMON[@]}" --out "$T/e"
run_err "--kernel without modules" 2 "say which modules" --kernel "$T/bz-xz" --agent "$AGENT" --out "$T/e"
run_err "unknown option" 2 "unknown argument '--frobnicate'" --frobnicate
run_err "bad --compress" 2 "--compress must be gzip or none" --compress lz4
check "no output left by failed runs" [ ! -e "$T/e" ]
check "no temporary directories left by failed runs" [ -z "$(ls -A "$T" | grep '^\.e\.' | grep -v '^\.e\.lock$')" ]
"$TOOL" --help >/dev/null 2>&1; check "--help exits 0" [ $? = 0 ]

if [ "$FAILS" -ne 0 ]; then echo "zone-image-test: $FAILS of $CHECKS checks FAILED"; exit 1; fi
echo "zone-image-test: all $CHECKS checks passed"
