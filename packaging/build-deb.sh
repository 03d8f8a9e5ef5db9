#!/usr/bin/env bash
# Builds the runz .deb from this repository: copies the tree into build/pkg-work/deb/runz-<version>/, puts
# packaging/deb/debian/ at its root (the repository itself never gets a debian/ directory), runs
# `dpkg-buildpackage -us -uc -b` there and copies the .deb to build/packages/. Then runs lintian on it.
#
#   packaging/build-deb.sh [--head | --rev REV | --src DIR | --prebuilt BUILD_DIR] [--no-lintian]
#     (default)     package the working tree: tracked and untracked-but-not-ignored files, as they are now
#     --head        package the committed tree (git archive HEAD) with the working tree's packaging/ on top
#                   (the working tree may hold others' half-written code)
#     --rev REV     the same with commit REV
#     --src DIR     package the source tree DIR as it is (used by packaging/tests/package-file-lists.sh)
#     --prebuilt BUILD_DIR
#                   package the binaries of an already built CMake build dir of this tree (e.g. build/release)
#                   without compiling again: debian/rules with RUNZ_PREBUILT_DIR (see there); the package
#                   is `cmake --install BUILD_DIR --prefix /usr` plus debian/. Used by CI and the image.
#     --no-lintian  skip lintian
#   JOBS=N (default 2) parallel build jobs; DEB_BUILD_OPTIONS is passed through (e.g. nocheck);
#   RUNZ_PKG_OUTDIR (default build/packages), RUNZ_PKG_WORKDIR (default build/pkg-work) move the output.
# Needs: dpkg-dev, debhelper, fakeroot (not used: Rules-Requires-Root: no), the Build-Depends of
# packaging/deb/debian/control (scripts/deps.sh installs them), lintian.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FROM=worktree REV="" SRCDIR="" PREBUILT="" LINTIAN=1
while [ $# -gt 0 ]; do
  case "$1" in
    --head) FROM=rev REV=HEAD ;;
    --rev) FROM=rev REV=${2:?--rev needs a commit}; shift ;;
    --src) FROM=dir SRCDIR=$(cd "${2:?--src needs a directory}" && pwd); shift ;;
    --prebuilt) FROM=prebuilt PREBUILT=$(cd "${2:?--prebuilt needs a build directory}" && pwd); shift ;;
    --no-lintian) LINTIAN="" ;;
    *) echo "usage: $0 [--head | --rev REV | --src DIR | --prebuilt BUILD_DIR] [--no-lintian]" >&2; exit 2 ;;
  esac
  shift
done

VERSION=$(dpkg-parsechangelog -l packaging/deb/debian/changelog -S Version)
WORK="${RUNZ_PKG_WORKDIR:-$ROOT/build/pkg-work}/deb"
SRC="$WORK/runz-$VERSION"
OUTDIR="${RUNZ_PKG_OUTDIR:-$ROOT/build/packages}"
rm -rf "$WORK"
mkdir -p "$SRC" "$OUTDIR"

if [ "$FROM" = rev ]; then
  git archive --format=tar "$REV" | tar -x -C "$SRC"
  rm -rf "$SRC/packaging" && cp -a packaging "$SRC/packaging"
elif [ "$FROM" = dir ]; then
  tar -C "$SRCDIR" --exclude=./build --exclude=./.git -c . | tar -x -C "$SRC"
elif [ "$FROM" = prebuilt ]; then
  # Only debian/ is needed: the install step reads the build dir's cmake_install.cmake, which names the
  # binaries and the source files (docs, scripts) by absolute path.
  [ -f "$PREBUILT/cmake_install.cmake" ] || { echo "build-deb: $PREBUILT is not a configured CMake build dir" >&2; exit 1; }
  built_from=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$PREBUILT/CMakeCache.txt")
  [ "$built_from" = "$ROOT" ] || { echo "build-deb: $PREBUILT was configured from '$built_from', not $ROOT" >&2; exit 1; }
  mkdir -p "$SRC/packaging/deb"
  cp -a packaging/deb/debian "$SRC/packaging/deb/debian"
  export RUNZ_PREBUILT_DIR=$PREBUILT
else
  # Tracked and untracked-but-not-ignored files, as they are now.
  git ls-files -z -c -o --exclude-standard | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -c | tar -x -C "$SRC"
fi
rm -rf "$SRC/debian"
cp -a "$SRC/packaging/deb/debian" "$SRC/debian"

[ "$FROM" = prebuilt ] || unset RUNZ_PREBUILT_DIR
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=${JOBS:-2}"
(cd "$SRC" && dpkg-buildpackage -us -uc -b)

DEB=$(ls "$WORK"/runz_"$VERSION"_*.deb)
cp -f "$DEB" "$OUTDIR/"
DEB="$OUTDIR/$(basename "$DEB")"
echo "built $DEB"
dpkg-deb -c "$DEB"

if [ -n "$LINTIAN" ]; then
  if command -v lintian >/dev/null; then
    # No errors allowed; every remaining warning is explained in packaging/deb/README.md.
    lintian --info --fail-on error "$DEB"
  else
    echo "lintian is not installed: not checked" >&2
  fi
fi
