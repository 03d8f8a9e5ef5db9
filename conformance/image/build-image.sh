#!/usr/bin/env bash
# build-image.sh --build-dir DIR [--out-dir DIR] [--deb FILE] [--force]
#
# Builds the emulated Xen host's base image from Debian packages (by name) and runz's .deb:
#   <out>/conformance/image/<key>/xen            Xen 4.17 (zcat /boot/xen-4.17-amd64.gz), QEMU's -kernel
#   <out>/conformance/image/<key>/vmlinuz        the Debian kernel, dom0's kernel (first -initrd module)
#   <out>/conformance/image/<key>/base.cpio      dom0's initramfs (busybox, Xen toolstack + libraries,
#                                                kernel modules, containerd/ctr/runc, dockerd/docker,
#                                                podman/conmon, dpkg, and runz
#                                                installed from its .deb by dpkg)
# runz gets into the image the way it gets onto a Debian host: `dpkg --root=<image root> -i runz_*.deb`. The
# .deb is packaging/build-deb.sh --prebuilt DIR (the build dir's own binaries, packaged by debian/rules, no
# second compile), or --deb FILE. The image carries a dpkg database whose status lists the Debian packages
# the image has files of (owners of every host file copied in; info/<pkg>.list = those files), so runz's
# Depends are satisfied as they are on a real host, and dpkg runs runz's postinst (chrooted): that
# runz-zone-image builds /usr/lib/runz/zone from the image's /boot/vmlinuz-<kver> and its modules. Its
# vmlinux is checked against extract-vmlinux.sh's. A .deb without the guest agent gives a zone dir with
# only extract-vmlinux.sh's vmlinux. /usr/share/runz-conformance/ keeps vmlinuz (-> /boot/vmlinuz-<kver>,
# benchmark baseline), zone-modules.order and the installed .deb (runz.deb, for the packaging suite).
# The per-boot payload (tests, ad-hoc files) is a second cpio that the runners append (lib/boot.sh).
#
# Cache: key = sha256 over this directory's files, the versions of the Debian packages used, the content of
# every host file copied in, the kernel .deb, runz's install tree and runz's .deb. The fast path is a
# fingerprint of file metadata, `DESTDIR=<stage> cmake --install <build dir> --prefix /usr` (what the .deb
# is made from) and packaging/deb + build-deb.sh: a run with nothing changed prints "image cache hit <key>"
# without building the .deb. The last stdout line is always RUNZ_IMAGE_DIR=<dir>.
#
# Environment: RUNZ_IMAGE_CACHE_DIR (where images are kept, instead of <out>/conformance/image: scripts/try.sh
# and test.sh use ~/.cache/runz/image, shared by every clone on the machine), RUNZ_CACHE_DIR (downloaded
# .debs; default <repo>/.cache), RUNZ_KERNEL_PKG (default: what
# linux-image-amd64 depends on), RUNZ_IMAGE_COMPRESS (none|zstd|gzip, default none:
# unpacking is ~4x faster than zstd under TCG, see conformance/README.md), RUNZ_IMAGE_KEEP
# (image dirs kept per image dir, default 3).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD_DIR="" OUT_DIR="" DEB_ARG="" FORCE=0
while (($#)); do
  case $1 in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --out-dir) OUT_DIR=$2; shift 2 ;;
    --deb) DEB_ARG=$(realpath "$2"); shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "build-image: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$BUILD_DIR" ] || { echo "build-image: --build-dir is required" >&2; exit 2; }
mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
OUT_DIR=${OUT_DIR:-$BUILD_DIR}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
IMGROOT=${RUNZ_IMAGE_CACHE_DIR:-$OUT_DIR/conformance/image}
CACHE=${RUNZ_CACHE_DIR:-$REPO/.cache}
COMPRESS=${RUNZ_IMAGE_COMPRESS:-none}
mkdir -p "$IMGROOT" "$CACHE/debs"
log() { echo "build-image: $*" >&2; }
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

# One builder per image dir at a time; a second one waits and then gets a cache hit.
exec 9>"$IMGROOT/.lock"
flock -w 3600 9 || { log "timed out waiting for $IMGROOT/.lock"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# What goes in, from the host (absolute paths; ELF files get their ldd closure added)
XENBIN=/usr/lib/xen-4.17/bin
HOST_FILES=(
  /boot/xen-4.17-amd64.gz
  /bin/busybox
  $XENBIN/xl $XENBIN/xenstored $XENBIN/xenconsoled $XENBIN/xen-init-dom0 $XENBIN/xenconsole $XENBIN/xentop
  /usr/bin/xenstore
  /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc
  /lib/x86_64-linux-gnu/libgcc_s.so.1 # glibc dlopen()s it for pthread_cancel; ldd does not list it
  # dpkg (runz is installed with it; the packaging suite removes and purges it in dom0; ldconfig: dpkg
  # wants it in PATH) and the Depends of runz's .deb that busybox would otherwise stand in for
  /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-query /usr/bin/dpkg-divert /usr/bin/dpkg-split
  /usr/bin/dpkg-trigger /usr/bin/dpkg-maintscript-helper /sbin/ldconfig
  /bin/tar # dpkg-deb unpacks with GNU tar's options (busybox tar lacks them)
  /bin/bash /bin/cpio /usr/bin/xz /bin/kmod # bash: runz-zone-image; kmod: as depmod and modinfo
  # iptables (nf_tables backend, Debian 12's default): Docker's and Podman's published ports and NAT, CNI's
  # portmap; its match/target extensions are dlopen()ed, so ldd does not list them
  /usr/sbin/xtables-nft-multi /usr/lib/x86_64-linux-gnu/xtables/*.so
)
XENSTORE_LINKS="xenstore-ls xenstore-read xenstore-write xenstore-list xenstore-rm xenstore-exists
                xenstore-watch xenstore-chmod"
PACKAGES="xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils busybox-static containerd runc"
KMOD_LINKS="depmod modinfo" # /usr/sbin/<name> -> /usr/bin/kmod, as kmod's package has them
# /usr/sbin/<name> -> xtables-nft-multi, as iptables' alternatives point them on Debian 12
IPTABLES_LINKS="iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore iptables-nft
                ip6tables-nft"
# runz's postinst (runz-zone-image) relies on what every Debian host has (Essential: coreutils, findutils,
# grep, sed, gzip, util-linux) and uses GNU options busybox lacks (find -printf, sort -V, grep -P, touch -d @):
# the real programs it runs, in place of busybox's applets
for t in basename cat chmod cp dd dirname head install ln mkdir mktemp mv od pwd readlink rm sort stat tail \
         touch tr find grep sed gzip flock; do
  p=$(PATH=/usr/bin:/bin:/usr/sbin:/sbin type -P "$t") || { echo "build-image: $t is not installed" >&2; exit 1; }
  HOST_FILES+=("$p")
done

# ---------------------------------------------------------------------------------------------------------
# 1. the kernel .deb (downloaded, never installed)
# what linux-image-amd64 depends on; apt-cache is slow, so the answer is remembered until apt's lists change
kernel_pkg() {
  local lists memo=$CACHE/debs/kernel-package
  lists=$(stat -c '%Y' /var/lib/apt/lists /var/lib/apt/lists/* 2>/dev/null | sort -n | tail -1)
  if [ -f "$memo" ] && [ "$(head -1 "$memo")" = "$lists" ]; then sed -n 2p "$memo"; return; fi
  local p
  p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -z "$p" ] || printf '%s\n%s\n' "$lists" "$p" >"$memo"
  echo "$p"
}
# cached_deb PKG: the path of PKG's .deb in the cache, downloaded by name if it is not there yet
cached_deb() {
  local d
  d=$(ls -t "$CACHE/debs/$1"_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$d" ]; then
    log "downloading $1 into $CACHE/debs"
    (cd "$CACHE/debs" && apt-get download "$1" >&2)
    d=$(ls -t "$CACHE/debs/$1"_*.deb | head -1)
  fi
  echo "$d"
}
KPKG=${RUNZ_KERNEL_PKG:-$(kernel_pkg)}
KDEB=""
if [ -n "$KPKG" ]; then
  KDEB=$(cached_deb "$KPKG")
else
  KDEB=$(ls -t "$CACHE"/debs/linux-image-*-amd64_*.deb 2>/dev/null | head -1 || true)
  [ -n "$KDEB" ] || { log "cannot tell which kernel package to use (apt-cache failed) and none is cached"; exit 1; }
  log "apt-cache gave no kernel package; using cached $KDEB"
fi

# 1b. Container clients from their .debs (downloaded, never installed: docker.io's would start a daemon on
# this machine): the programs the docker and podman suites drive with runz as their runtime, and iperf3 for
# bench/net (its package asks debconf about a daemon; libiperf0 is a plain library). Their shared libraries
# come from the host like everyone's (scripts/deps.sh installs the ones nothing else pulls in).
CLIENTS="docker.io:/usr/sbin/dockerd,/usr/bin/docker,/usr/sbin/docker-proxy podman:/usr/bin/podman conmon:/usr/bin/conmon
  containernetworking-plugins:/usr/lib/cni/bridge,/usr/lib/cni/host-local,/usr/lib/cni/loopback,/usr/lib/cni/portmap,/usr/lib/cni/firewall,/usr/lib/cni/tuning
  iperf3:/usr/bin/iperf3"
CLIENT_DEBS=() CLIENT_FILES=() CLIENT_PATHS=() # the .debs; extracted files; their paths in the image
for c in $CLIENTS; do
  pkg=${c%%:*} files=${c#*:}
  deb=$(cached_deb "$pkg")
  x=$CACHE/debs/x-$pkg
  # extracted again when the .deb or the list of files taken from it changes
  if [ ! -f "$x/.from" ] || [ "$(cat "$x/.from")" != "$(basename "$deb") $files" ]; then
    rm -rf "$x"
    mkdir -p "$x"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" $(tr ',' '\n' <<<"$files" | sed 's|^|.|')
    echo "$(basename "$deb") $files" >"$x/.from"
  fi
  CLIENT_DEBS+=("$deb")
  for f in ${files//,/ }; do CLIENT_FILES+=("$x$f"); CLIENT_PATHS+=("$f"); done
done

# 1c. dom0-side test programs linked dynamically (runz-cri: gRPC has no static libraries in Debian): they
# travel in each boot's payload (boot.sh copies conformance/bin), their shared libraries live in the image
TOOL_FILES=()
for t in runz-cri; do
  if [ -x "$BUILD_DIR/conformance/bin/$t" ]; then TOOL_FILES+=("$BUILD_DIR/conformance/bin/$t"); fi
done

# 2. runz's install tree → stage (DESTDIR-style): what the .deb is made from (fingerprint, ldd closure)
STAGE=$IMGROOT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE"
if [ -z "$DEB_ARG" ]; then
  [ -f "$BUILD_DIR/cmake_install.cmake" ] || { log "$BUILD_DIR is not a configured CMake build dir"; exit 1; }
  if ! DESTDIR=$STAGE cmake --install "$BUILD_DIR" --prefix /usr >"$IMGROOT/stage-install.log" 2>&1; then
    log "cmake --install $BUILD_DIR failed (is everything built?):"
    grep -A2 'CMake Error' "$IMGROOT/stage-install.log" | head -n 6 >&2
    exit 1
  fi
else
  [ -f "$DEB_ARG" ] || { log "--deb $DEB_ARG: no such file"; exit 1; }
  dpkg-deb -x "$DEB_ARG" "$STAGE"
fi

STAGE_SUM=$(cd "$STAGE" && find . \( -type f -o -type l \) | LC_ALL=C sort | while read -r f; do
  if [ -L "$f" ]; then echo "link $(readlink "$f") $f"; else echo "$(sha256sum <"$f" | cut -c1-64) $(stat -c %a "$f") $f"; fi
done)
# what else decides the .deb's content
PKG_SUM=$(cd "$REPO/packaging" && { [ -z "$DEB_ARG" ] || sha256sum "$DEB_ARG"; } &&
  find deb/debian build-deb.sh -type f | LC_ALL=C sort | xargs sha256sum)

# Fast path: a fingerprint from file metadata (host files, the kernel .deb, ld.so.cache and dpkg's status
# change whenever a package is installed or upgraded) plus the content of the scripts and the install tree.
# If it was seen before, the key it gave then is the key now: no ldd, dpkg -S or hashing of ~200 MB.
FP=$( {
  stat -L -c '%n %s %Y %i' "${HOST_FILES[@]}" "$KDEB" "${CLIENT_DEBS[@]}" /etc/ld.so.cache /var/lib/dpkg/status 2>&1
  for t in "${TOOL_FILES[@]}"; do echo "tool $(basename "$t")"; ldd "$t" 2>&1 | awk '{print $1, $3}'; done
  (cd "$HERE" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  echo "$STAGE_SUM"
  echo "$PKG_SUM"
  echo "compress=$COMPRESS"
} | sha256sum | cut -c1-32)
mkdir -p "$IMGROOT/.fingerprints"
if [ "$FORCE" = 0 ] && [ -f "$IMGROOT/.fingerprints/$FP" ]; then
  KEY=$(cat "$IMGROOT/.fingerprints/$FP")
  if [ -f "$IMGROOT/$KEY/complete" ]; then
    touch "$IMGROOT/$KEY/complete" # last use, for pruning
    log "image cache hit $KEY ($(elapsed) s)"
    echo "RUNZ_IMAGE_DIR=$IMGROOT/$KEY"
    exit 0
  fi
fi

# 3. the ldd closure of the host binaries and the staged ELF files
is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }
closure() { # prints absolute library paths needed by the ELF files given
  local f
  for f in "$@"; do
    is_elf "$f" || continue
    ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' || true
  done | sort -u
}
mapfile -t STAGE_ELFS < <(find "$STAGE" -type f | sort)
mapfile -t LIBS < <(closure "${HOST_FILES[@]}" "${CLIENT_FILES[@]}" "${TOOL_FILES[@]}" "${STAGE_ELFS[@]}")
ALL_HOST=("${HOST_FILES[@]}" "${LIBS[@]}")
for f in "${CLIENT_FILES[@]}"; do
  if ldd "$f" 2>&1 | grep -q 'not found'; then
    log "$f needs libraries this host lacks (scripts/deps.sh installs them): $(ldd "$f" | grep 'not found' | tr -s ' \t\n' ' ')"
    exit 1
  fi
done
for f in "${ALL_HOST[@]}"; do [ -e "$f" ] || { log "missing host file $f (is scripts/deps.sh done?)"; exit 1; }; done

# 4. runz's .deb: packaged from the build dir's binaries (no compile), or --deb
if [ -n "$DEB_ARG" ]; then
  DEB=$DEB_ARG
else
  rm -rf "$IMGROOT/deb"
  log "packaging $BUILD_DIR's binaries: packaging/build-deb.sh --prebuilt (log: $IMGROOT/deb.log)"
  if ! RUNZ_PKG_OUTDIR=$IMGROOT/deb RUNZ_PKG_WORKDIR=$IMGROOT/deb-work \
       "$REPO/packaging/build-deb.sh" --prebuilt "$BUILD_DIR" --no-lintian >"$IMGROOT/deb.log" 2>&1; then
    tail -n 30 "$IMGROOT/deb.log" >&2
    log "building runz's .deb failed"
    exit 1
  fi
  rm -rf "$IMGROOT/deb-work"
  DEB=$(ls "$IMGROOT"/deb/runz_*.deb)
fi

# the Debian packages that own the host files (dpkg's database may name /lib/... for a /usr/lib/... file)
owner_pkgs() {
  local out f alt
  out=$(dpkg -S "$@" 2>/dev/null || true) # one call: dpkg -S loads its database once
  for f in "$@"; do
    grep -q ": $f\$" <<<"$out" && continue
    case $f in /usr/lib/*|/usr/bin/*|/usr/sbin/*) alt=${f#/usr} ;; /lib/*|/bin/*|/sbin/*) alt=/usr$f ;; *) alt=$f ;; esac
    out+=$'\n'$(dpkg -S "$alt" 2>/dev/null) || log "note: no Debian package owns $f"
  done
  sed -e '/^diversion by /d' -n -e 's/: .*//p' <<<"$out" | tr ', ' '\n\n' | cut -d: -f1 | sed '/^$/d' | sort -u
}
mapfile -t OWNERS < <(owner_pkgs "${ALL_HOST[@]}")

# 5. the key
INPUTS=$IMGROOT/inputs.$$
{
  echo "# image build scripts"
  (cd "$HERE" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  echo "# Debian packages"
  (dpkg-query -W -f='${Package}:${Architecture} ${Version}\n' $PACKAGES "${OWNERS[@]}" 2>/dev/null || true) | sort -u
  echo "# host files"
  sha256sum "${ALL_HOST[@]}"
  echo "# kernel"
  (cd "$(dirname "$KDEB")" && sha256sum "$(basename "$KDEB")")
  echo "# container clients"
  (cd "$CACHE/debs" && for d in "${CLIENT_DEBS[@]}"; do sha256sum "$(basename "$d")"; done)
  echo "# install tree"
  echo "$STAGE_SUM"
  echo "# runz .deb"
  sha256sum "$DEB"
  echo "# options"
  echo "compress=$COMPRESS"
} >"$INPUTS"
KEY=$(sha256sum <"$INPUTS" | cut -c1-16)
DEST=$IMGROOT/$KEY
echo "$KEY" >"$IMGROOT/.fingerprints/$FP"
if [ "$FORCE" = 0 ] && [ -f "$DEST/complete" ]; then
  rm -f "$INPUTS"
  touch "$DEST/complete" # last use, for pruning
  log "image cache hit $KEY ($(elapsed) s)"
  echo "RUNZ_IMAGE_DIR=$DEST"
  exit 0
fi
log "building image $KEY (inputs: $DEST/inputs.txt)"

# ---------------------------------------------------------------------------------------------------------
# 6. build into a temporary dir, then rename
WORK=$IMGROOT/$KEY.tmp.$$
rm -rf "$DEST" "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK" "$INPUTS"' EXIT
mv "$INPUTS" "$WORK/inputs.txt"
R=$WORK/root
mkdir -p "$R"/usr/{bin,sbin,lib,lib64} "$R"/{dev,proc,sys,run,tmp,root,etc/xen,var/lib,var/log,mnt,opt,payload}
ln -s usr/bin "$R/bin"; ln -s usr/sbin "$R/sbin"; ln -s usr/lib "$R/lib"; ln -s usr/lib64 "$R/lib64"
ln -s ../run "$R/var/run"
ln -s ../run/lock "$R/var/lock"
chmod 1777 "$R/tmp"
chmod 0700 "$R/root"
# a host path in the image's merged-/usr layout
dst() { case $1 in /bin/*|/sbin/*|/lib/*|/lib64/*) echo "$R/usr$1" ;; *) echo "$R$1" ;; esac; }
put() { local d; d=$(dst "$1"); mkdir -p "$(dirname "$d")"; cp -L --preserve=mode "$1" "$d"; }

zcat /boot/xen-4.17-amd64.gz >"$WORK/xen"
for f in "${HOST_FILES[@]}" "${LIBS[@]}"; do
  [ "$f" = /boot/xen-4.17-amd64.gz ] || put "$f"
done
for i in "${!CLIENT_FILES[@]}"; do install -D -m 0755 "${CLIENT_FILES[$i]}" "$R${CLIENT_PATHS[$i]}"; done
for l in $XENSTORE_LINKS; do ln -s xenstore "$R/usr/bin/$l"; done
for l in $KMOD_LINKS; do ln -s ../bin/kmod "$R/usr/sbin/$l"; done
for l in $IPTABLES_LINKS; do ln -s xtables-nft-multi "$R/usr/sbin/$l"; done
# busybox applets as symlinks, where no real program is installed
busybox --list-full | while read -r a; do
  d=$(dst "/$a")
  [ -e "$d" ] || [ -L "$d" ] || { mkdir -p "$(dirname "$d")"; ln -s /bin/busybox "$d"; }
done

# the kernel: dom0's vmlinuz, the zone's vmlinux, modules
K=$WORK/kernel
mkdir -p "$K"
dpkg-deb -x "$KDEB" "$K"
KVER=$(ls "$K/lib/modules" | head -1)
cp "$K/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
depmod -b "$K" "$KVER"
SH=$R/usr/share/runz-conformance
mkdir -p "$SH"
"$HERE/extract-vmlinux.sh" "$K/boot/vmlinuz-$KVER" "$WORK/vmlinux"
mkdir -p "$R/boot"
cp "$K/boot/vmlinuz-$KVER" "$R/boot/vmlinuz-$KVER" # dom0's kernel, installed: runz's postinst builds the zone from it
ln -s "/boot/vmlinuz-$KVER" "$SH/vmlinuz" # baseline for the vmlinux-vs-vmlinuz benchmark
KM=$K/lib/modules/$KVER
# prints the module's path relative to $KM followed by its dependencies' (deepest last), one per line
moddeps() {
  local m=$1 line
  line=$(grep -E "(^|/)${m}\.ko:" "$KM/modules.dep" || true)
  [ -n "$line" ] || { log "module $m not found in $KVER"; return 1; }
  echo "${line%%:*}"
  for d in ${line#*:}; do echo "$d"; done
}
MODS=$WORK/modules.list
: >"$MODS"
: >"$WORK/modules.load"
while read -r m load; do
  case $m in ''|'#'*) continue ;; esac
  moddeps "$m" >>"$MODS"
  [ "$load" = yes ] && echo "$m" >>"$WORK/modules.load"
done <"$HERE/dom0-modules.txt"
: >"$WORK/zone-modules.order"
while read -r m; do
  case $m in ''|'#'*) continue ;; esac
  moddeps "$m" >"$WORK/one"
  cat "$WORK/one" >>"$MODS"
  tac "$WORK/one" >>"$WORK/zone-modules.order" # dependencies first
done <"$HERE/zone-modules.txt"
awk '!seen[$0]++' "$WORK/zone-modules.order" >"$SH/zone-modules.order"
RM=$R/usr/lib/modules/$KVER
for m in $(sort -u "$MODS"); do install -D -m 0644 "$KM/$m" "$RM/$m"; done
cp "$KM"/modules.order "$KM"/modules.builtin "$KM"/modules.builtin.modinfo "$RM/"
depmod -b "$R" "$KVER" # modules.dep for the modules in the image (/lib -> usr/lib)
cp "$KM/modules.dep" "$RM/modules.dep.full" # the whole kernel's, for building zone initramfs images
mkdir -p "$R/etc/runz-dom0"
cp "$WORK/modules.load" "$R/etc/runz-dom0/modules.load"
echo "$KVER" >"$R/etc/runz-dom0/kernel-version"

# dpkg's database: the packages the image has files of, as installed on this host, each with the list of
# its files that are in the image
DB=$R/var/lib/dpkg
mkdir -p "$DB/info" "$DB/updates" "$DB/triggers" "$DB/alternatives" "$R/etc/dpkg/dpkg.cfg.d" "$R/var/log"
: >"$DB/status"
: >"$DB/available"
for p in "${OWNERS[@]}"; do
  dpkg-query -s "$p" >>"$DB/status"
  echo >>"$DB/status"
  name=$(dpkg-query -W -f='${binary:Package}' "$p")
  dpkg -L "$p" | while read -r f; do if [ -e "$R$f" ] || [ -L "$R$f" ]; then echo "$f"; fi; done >"$DB/info/$name.list"
done
# runz, installed by dpkg: unpack, then its postinst runs chrooted in the image (runz-zone-image from
# /boot/vmlinuz-<kver>). No --force-*: its Depends must be in the status above.
# the device nodes maintainer scripts expect (dom0 gets devtmpfs on /dev at boot; these are removed again)
DEVS="null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9"
for d in $DEVS; do IFS=: read -r n ma mi <<<"$d"; mknod -m 0666 "$R/dev/$n" c "$ma" "$mi"; done
if ! dpkg --root="$R" --log="$WORK/dpkg.log" -i "$DEB" >"$WORK/dpkg-i.out" 2>&1; then
  cat "$WORK/dpkg-i.out" >&2
  log "dpkg --root -i $DEB failed"; exit 1
fi
for d in $DEVS; do rm -f "$R/dev/${d%%:*}"; done
sed 's/^/dpkg: /' "$WORK/dpkg-i.out" >&2
[ "$(dpkg-query --root="$R" -W -f='${Status}' runz)" = "install ok installed" ] ||
  { log "runz is not 'install ok installed' in the image after dpkg -i"; exit 1; }
cp "$DEB" "$SH/runz.deb"
ZD=$R/usr/lib/runz/zone
if [ -e "$ZD/vmlinux" ]; then
  cmp -s "$ZD/vmlinux" "$WORK/vmlinux" ||
    { log "runz-zone-image's vmlinux (postinst) differs from extract-vmlinux.sh's"; exit 1; }
  log "zone dir made by runz's postinst: $(readlink "$ZD") $(ls "$ZD/" | tr '\n' ' ')"
elif [ -e "$R/usr/lib/runz/runz-agent" ]; then
  log "the .deb has the guest agent but its postinst made no zone image ($ZD)"; exit 1
else
  mkdir -p "$ZD"
  cp "$WORK/vmlinux" "$ZD/vmlinux"
  log "no guest agent in the .deb: zone dir has only vmlinux (extract-vmlinux.sh)"
fi
rm -f "$WORK/vmlinux"

# configuration and /init
cat >"$R/etc/xen/xl.conf" <<'EOF'
autoballoon="off"
EOF
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$R/etc/group"
printf 'hosts: files\n' >"$R/etc/nsswitch.conf"
printf '127.0.0.1 localhost dom0\n' >"$R/etc/hosts"
: >"$R/etc/fstab"
install -m 0755 "$HERE/dom0-init" "$R/init"

# the archive (owned by root whoever builds it)
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$WORK/base.cpio"
(cd "$R" && find . -type f | LC_ALL=C sort | xargs du -k | sort -k2) >"$WORK/manifest.txt"
case $COMPRESS in
  zstd) zstd -q -T0 -10 --rm "$WORK/base.cpio" -o "$WORK/base.cpio.zst"; BASE=base.cpio.zst ;;
  gzip) gzip -1 "$WORK/base.cpio"; BASE=base.cpio.gz ;;
  none) BASE=base.cpio ;;
  *) log "unknown RUNZ_IMAGE_COMPRESS=$COMPRESS"; exit 2 ;;
esac
echo "$BASE" >"$WORK/base-name"
echo "$KVER" >"$WORK/kernel-version"
rm -rf "$R" "$K" "$WORK/one"
touch "$WORK/complete"
mv "$WORK" "$DEST"
trap - EXIT
log "built image $KEY in $(elapsed) s: $(du -sh "$DEST/$BASE" | cut -f1) $BASE"

# keep the newest few images
ls -1dt "$IMGROOT"/*/complete 2>/dev/null | tail -n +$((${RUNZ_IMAGE_KEEP:-3} + 1)) | while read -r c; do
  d=$(dirname "$c"); log "pruning old image $(basename "$d")"; rm -rf "$d"
done
echo "RUNZ_IMAGE_DIR=$DEST"
