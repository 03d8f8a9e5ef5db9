#!/usr/bin/env bash
# ctest `package_file_lists`: the .deb, the .rpm and a plain `cmake --install` list the same runtime files.
#   usage: package-file-lists.sh SOURCE_DIR BINARY_DIR [--prebuilt BUILD_DIR]
#
# 1. Fixture (always; about a minute): building the real packages is a full rebuild of runz, twice, so the
#    test builds both packages from a small stand-in project instead: this tree's packaging/ and docs, plus
#    tiny C programs with the real target names (runz, containerd-shim-runz-v2, runz-agent (static),
#    runz-p9-backend, runz-xen-boot). The file lists depend only on packaging/ and on which of those targets
#    exist, so this checks the packaging itself: install rules, debian/, the spec, the build scripts, and
#    lintian (no errors).
#    It also checks `DESTDIR=A cmake --install B --prefix /usr` (B configured with the default prefix) and
#    `DESTDIR=A2 cmake --install B2` (B2 configured with prefix /usr) give the same tree, and that tree is
#    the packages' file list.
# 2. Real packages (about two minutes): with --prebuilt BUILD_DIR (ctest passes the build whose binaries
#    the emulated Xen host gets), build-deb.sh and build-rpm.sh --prebuilt package that build's binaries into
#    BINARY_DIR/packages; lintian must report no errors; `dpkg-deb -c` and `rpm -qlp` must list the same
#    files, every program must be in them, and `DESTDIR=... cmake --install BUILD_DIR` (--prefix /usr, and
#    the build's own prefix mapped to /usr) must give the same list. Without --prebuilt,
#    RUNZ_PACKAGE_TEST_BUILD=1 builds both packages from source (--head; as long as two release builds).
# Exit 0 pass, 1 fail, 77 skipped (dpkg-buildpackage, rpmbuild or a compiler missing).
set -uo pipefail
export LC_ALL=C
SRCROOT=$(cd "${1:?usage: $0 SOURCE_DIR BINARY_DIR [--prebuilt BUILD_DIR]}" && pwd)
BINDIR=$(mkdir -p "${2:?usage: $0 SOURCE_DIR BINARY_DIR [--prebuilt BUILD_DIR]}" && cd "$2" && pwd)
PREBUILT=""
if [ "${3:-}" = --prebuilt ]; then PREBUILT=$(cd "${4:?--prebuilt needs a build dir}" && pwd) || exit 1; fi
for t in dpkg-buildpackage dh rpmbuild rpm dpkg-deb cmake cc; do
  command -v "$t" >/dev/null || { echo "SKIP: '$t' is not installed"; exit 77; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/runz-package-test.XXXXXX")
if [ -n "${RUNZ_TEST_KEEP:-}" ]; then echo "keeping $T"; else trap 'rm -rf "$T"' EXIT; fi
FAILS=0
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
step() { echo "--- $*"; }

# Normalized lists of regular files and symlinks: man pages and docs without .gz (dh_compress and rpm's
# brp-compress compress different things), without what only one format has by policy (Debian's
# copyright, changelog and lintian overrides; rpm's build-id links).
normalize() {
  sed -e 's|^\./|/|' -e 's|/\./|/|g' -e 's|\.gz$||' |
    grep -v -E '^/usr/share/doc/runz/(changelog|copyright)$|^/usr/share/lintian/overrides/|^/usr/lib/\.build-id(/|$)' |
    sort -u
}
deb_list() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' | normalize; }
rpm_list() { rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" 2>/dev/null | awk '$1 !~ /^d/ { print $2 }' | normalize; }
tree_list() { (cd "$1" && find . \( -type f -o -type l \) -print) | normalize; }
same() { # same NAME-A FILE-A NAME-B FILE-B
  if cmp -s "$2" "$4"; then echo "same files: $1 and $3 ($(wc -l <"$2") files)"; else
    fail "$1 and $3 differ:"; diff "$2" "$4" | sed 's/^/    /'; fi
}

# --- 1. Fixture ---------------------------------------------------------------------------------------------
step "fixture project"
F="$T/src"
mkdir -p "$F/docs" "$F/fake"
cp -a "$SRCROOT/packaging" "$F/packaging"
rm -rf "$F/packaging/build" 2>/dev/null || true
cp "$SRCROOT/docs/ARCHITECTURE.md" "$F/docs/"
version=$(sed -n 's/^project(runz VERSION \([0-9.]*\).*/\1/p' "$SRCROOT/CMakeLists.txt")
cat >"$F/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(runz VERSION ${version:-0.1.0} LANGUAGES C CXX)
include(GNUInstallDirs)
enable_testing()
option(RUNZ_BUILD_FUZZERS "unused here" OFF)
option(RUNZ_WERROR "unused here" OFF)
add_subdirectory(fake)
add_subdirectory(packaging)
EOF
cat >"$F/fake/CMakeLists.txt" <<'EOF'
# Stand-ins with the real target names, linked like the real ones (Xen and seccomp libraries; static agent).
find_package(PkgConfig REQUIRED)
pkg_check_modules(XEN REQUIRED IMPORTED_TARGET xencontrol xenguest)
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)
foreach(t runz containerd-shim-runz-v2 runz-p9-backend runz-xen-boot)
  add_executable(${t} main.c)
  target_link_libraries(${t} PRIVATE PkgConfig::XEN PkgConfig::SECCOMP)
endforeach()
add_executable(runz-agent main.c)
target_compile_definitions(runz-agent PRIVATE RUNZ_FAKE_STATIC)
target_link_options(runz-agent PRIVATE -static)
EOF
cat >"$F/fake/main.c" <<'EOF'
/* Stand-in for a runz program (packaging test). Uses one symbol of each library so that the linker and
   dpkg-shlibdeps keep the dependencies. */
#include <stdio.h>
#ifndef RUNZ_FAKE_STATIC
#include <seccomp.h>
#include <xenctrl.h>
#include <xenguest.h>
#endif
int main(int argc, char **argv) {
  (void)argv;
  puts("stand-in for a runz program (packaging test)");
#ifndef RUNZ_FAKE_STATIC
  if (argc > 1000) {
    xc_interface *xc = xc_interface_open(NULL, NULL, 0);
    struct xc_dom_image *dom = xc_dom_allocate(xc, NULL, NULL);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    return xc != NULL && dom != NULL && ctx != NULL;
  }
#endif
  return 0;
}
EOF
cat >"$F/.gitignore" <<'EOF'
/build*/
EOF

step "DESTDIR installs"
cmake -S "$F" -B "$T/b-default" >"$T/log" 2>&1 && cmake --build "$T/b-default" -j2 >>"$T/log" 2>&1 ||
  { cat "$T/log"; fail "fixture build (default prefix)"; exit 1; }
cmake -S "$F" -B "$T/b-usr" -DCMAKE_INSTALL_PREFIX=/usr >>"$T/log" 2>&1 && cmake --build "$T/b-usr" -j2 >>"$T/log" 2>&1 ||
  { cat "$T/log"; fail "fixture build (prefix /usr)"; exit 1; }
DESTDIR="$T/d-prefix" cmake --install "$T/b-default" --prefix /usr >/dev/null || fail "cmake --install --prefix /usr"
DESTDIR="$T/d-destdir" cmake --install "$T/b-usr" >/dev/null || fail "DESTDIR cmake --install"
DESTDIR="$T/d-local" cmake --install "$T/b-default" >/dev/null || fail "cmake --install (prefix /usr/local)"
if diff -r "$T/d-prefix" "$T/d-destdir" >/dev/null &&
   [ "$(cd "$T/d-prefix" && find . -printf '%p %m %y\n' | sort)" = "$(cd "$T/d-destdir" && find . -printf '%p %m %y\n' | sort)" ]; then
  echo "same tree: 'cmake --install --prefix /usr' and 'DESTDIR=... cmake --install' (prefix /usr)"
else
  fail "'cmake --install --prefix /usr' and DESTDIR install with prefix /usr differ"
  diff -r "$T/d-prefix" "$T/d-destdir"
fi
tree_list "$T/d-destdir" >"$T/l-install"
(cd "$T/d-local" && find . \( -type f -o -type l \) -print | sed 's|^\./|/|' | sort) >"$T/l-local"
sed 's|^/etc/|/usr/local/etc/|; t; s|^/usr/|/usr/local/|' "$T/l-install" | sort >"$T/l-local-want"
same "install --prefix /usr (moved to /usr/local)" "$T/l-local-want" "install with prefix /usr/local" "$T/l-local"
for f in /usr/bin/runz /usr/bin/containerd-shim-runz-v2 /usr/lib/runz/runz-agent /usr/lib/runz/runz-p9-backend \
         /usr/lib/runz/runz-xen-boot /usr/lib/runz/runz-zone-image /etc/kernel/postinst.d/runz-zone-image \
         /usr/share/man/man8/runz.8 /usr/share/doc/runz/examples/containerd-config.toml; do
  grep -qx "$f" "$T/l-install" || fail "install tree lacks $f"
done

step "fixture .deb and .rpm (packaging/build-deb.sh, build-rpm.sh --src)"
export RUNZ_PKG_OUTDIR="$T/out" RUNZ_PKG_WORKDIR="$T/work"
LINT=--no-lintian
command -v lintian >/dev/null && LINT=""
"$SRCROOT/packaging/build-deb.sh" --src "$F" $LINT >"$T/deb.log" 2>&1 || { tail -n 60 "$T/deb.log"; fail "build-deb.sh"; }
"$SRCROOT/packaging/build-rpm.sh" --src "$F" >"$T/rpm.log" 2>&1 || { tail -n 60 "$T/rpm.log"; fail "build-rpm.sh"; }
[ -n "$LINT" ] || { echo "lintian (no errors allowed):"; sed -n '/^[EWIP]: /p' "$T/deb.log" | sed 's/^/    /'; }
DEB=$(ls "$T"/out/runz_*.deb 2>/dev/null | head -n 1)
RPM=$(ls "$T"/out/runz-*.rpm 2>/dev/null | head -n 1)
if [ -n "$DEB" ] && [ -n "$RPM" ]; then
  deb_list "$DEB" >"$T/l-deb"
  rpm_list "$RPM" >"$T/l-rpm"
  same ".deb" "$T/l-deb" ".rpm" "$T/l-rpm"
  same ".deb" "$T/l-deb" "cmake --install" "$T/l-install"
  dpkg-deb -f "$DEB" Depends | grep -q 'libxenmisc4.17' || fail ".deb Depends lacks libxenmisc4.17 (libxenctrl, via shlibs): $(dpkg-deb -f "$DEB" Depends)"
  dpkg-deb -I "$DEB" conffiles 2>/dev/null | grep -qx /etc/kernel/postinst.d/runz-zone-image ||
    fail ".deb: the kernel hook is not a conffile"
  rpm -qp --configfiles "$RPM" 2>/dev/null | grep -qx /etc/kernel/postinst.d/runz-zone-image ||
    fail ".rpm: the kernel hook is not a config file"
  rpm -qp --requires "$RPM" 2>/dev/null | grep -q 'libxenctrl.so' || fail ".rpm lacks the automatic libxenctrl.so requirement"
else
  fail "fixture packages were not built"
fi

# --- 2. Real packages ---------------------------------------------------------------------------------------
unset RUNZ_PKG_OUTDIR RUNZ_PKG_WORKDIR
real_checks() { # real_checks DEB RPM: the two real packages list the same files, and the programs are in them
  deb_list "$1" >"$T/r-deb"
  rpm_list "$2" >"$T/r-rpm"
  same "$(basename "$1")" "$T/r-deb" "$(basename "$2")" "$T/r-rpm"
  for f in /usr/bin/runz /usr/bin/containerd-shim-runz-v2 /usr/lib/runz/runz-agent /usr/lib/runz/runz-p9-backend \
           /usr/lib/runz/runz-xen-boot /usr/lib/runz/runz-zone-image /etc/kernel/postinst.d/runz-zone-image; do
    grep -qx "$f" "$T/r-deb" || fail "$(basename "$1") has no $f"
  done
}
if [ -n "$PREBUILT" ]; then
  # The build's own binaries, packaged without a second compile (build-deb.sh/build-rpm.sh --prebuilt),
  # lintian on the .deb (no errors), and the build's DESTDIR installs.
  step "real packages from $PREBUILT (--prebuilt)"
  RO="$BINDIR/packages"
  rm -rf "$RO"
  LINT=--no-lintian
  command -v lintian >/dev/null && LINT=""
  [ -z "$LINT" ] || fail "lintian is not installed (scripts/deps.sh installs it)"
  RUNZ_PKG_OUTDIR="$RO" RUNZ_PKG_WORKDIR="$T/real-work" "$SRCROOT/packaging/build-deb.sh" --prebuilt "$PREBUILT" $LINT \
    >"$T/real-deb.log" 2>&1 || { tail -n 60 "$T/real-deb.log"; fail "build-deb.sh --prebuilt (or lintian errors)"; }
  echo "lintian on the real .deb (no errors allowed):"
  sed -n '/^[EWIXP]: /p' "$T/real-deb.log" | sed 's/^/    /'
  grep -q '^E: ' "$T/real-deb.log" && fail "lintian reported errors"
  RUNZ_PKG_OUTDIR="$RO" RUNZ_PKG_WORKDIR="$T/real-work" "$SRCROOT/packaging/build-rpm.sh" --prebuilt "$PREBUILT" \
    >"$T/real-rpm.log" 2>&1 || { tail -n 60 "$T/real-rpm.log"; fail "build-rpm.sh --prebuilt"; }
  RDEB=$(ls "$RO"/runz_*.deb 2>/dev/null | head -n 1)
  RRPM=$(ls "$RO"/runz-*.rpm 2>/dev/null | grep -v -- -debug | head -n 1)
  if [ -n "$RDEB" ] && [ -n "$RRPM" ]; then
    echo "built $RDEB and $RRPM"
    real_checks "$RDEB" "$RRPM"
    DESTDIR="$T/r-usr" cmake --install "$PREBUILT" --prefix /usr >/dev/null || fail "DESTDIR cmake --install $PREBUILT --prefix /usr"
    DESTDIR="$T/r-own" cmake --install "$PREBUILT" >/dev/null || fail "DESTDIR cmake --install $PREBUILT"
    tree_list "$T/r-usr" >"$T/r-install"
    same "$(basename "$RDEB")" "$T/r-deb" "DESTDIR=... cmake --install $PREBUILT --prefix /usr" "$T/r-install"
    prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$PREBUILT/CMakeCache.txt")
    if [ "$prefix" = /usr ]; then etc=/etc; else etc=$prefix/etc; fi
    tree_list "$T/r-own" | sed -e "s|^$etc/|/etc/|; t; s|^$prefix/|/usr/|" | sort >"$T/r-own-list"
    same "DESTDIR=... cmake --install $PREBUILT (prefix $prefix, as /usr)" "$T/r-own-list" "$(basename "$RDEB")" "$T/r-deb"
  else
    fail "the real packages were not built"
  fi
elif [ "${RUNZ_PACKAGE_TEST_BUILD:-}" = 1 ]; then
  step "building the real packages from source (--head)"
  "$SRCROOT/packaging/build-deb.sh" --head >"$T/real-deb.log" 2>&1 || { tail -n 60 "$T/real-deb.log"; fail "build-deb.sh --head"; }
  "$SRCROOT/packaging/build-rpm.sh" --head >"$T/real-rpm.log" 2>&1 || { tail -n 60 "$T/real-rpm.log"; fail "build-rpm.sh --head"; }
  RDEB=$(ls -t "$SRCROOT"/build/packages/runz_*.deb 2>/dev/null | head -n 1)
  RRPM=$(ls -t "$SRCROOT"/build/packages/runz-*.rpm 2>/dev/null | grep -v -- -debug | head -n 1)
  real_checks "$RDEB" "$RRPM"
else
  echo "note: no --prebuilt BUILD_DIR and no RUNZ_PACKAGE_TEST_BUILD=1: only the fixture checked"
fi

if [ "$FAILS" -ne 0 ]; then echo "package_file_lists: $FAILS failure(s)"; exit 1; fi
echo "package_file_lists: PASS"
