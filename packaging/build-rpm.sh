#!/usr/bin/env bash
# Builds the runz .rpm from this repository: a tarball of the tree (runz-<version>.tar.gz) and
# `rpmbuild -bb packaging/rpm/runz.spec` in build/pkg-work/rpm/, then copies the .rpm to build/packages/.
#
#   packaging/build-rpm.sh [--head | --rev REV | --src DIR | --prebuilt BUILD_DIR]   (as in build-deb.sh;
#     --prebuilt: rpmbuild --define "runz_prebuilt BUILD_DIR", the tarball holds packaging/ only)
#   JOBS=N (default 2) parallel build jobs; RUNZ_PKG_OUTDIR, RUNZ_PKG_WORKDIR as in build-deb.sh.
#
# On Debian (rpm package), rpmbuild cannot see dpkg's packages, so BuildRequires are not checked
# (--nodeps): scripts/deps.sh has installed the Debian equivalents. There, the -debuginfo package and the
# /usr/lib/.build-id links are also turned off (Debian's rpm has no debuginfo tooling set up for it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FROM=worktree REV="" SRCDIR="" PREBUILT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --head) FROM=rev REV=HEAD ;;
    --rev) FROM=rev REV=${2:?--rev needs a commit}; shift ;;
    --src) FROM=dir SRCDIR=$(cd "${2:?--src needs a directory}" && pwd); shift ;;
    --prebuilt) FROM=prebuilt PREBUILT=$(cd "${2:?--prebuilt needs a build directory}" && pwd); shift ;;
    *) echo "usage: $0 [--head | --rev REV | --src DIR | --prebuilt BUILD_DIR]" >&2; exit 2 ;;
  esac
  shift
done
command -v rpmbuild >/dev/null || { echo "rpmbuild is not installed (Debian: apt-get install rpm)" >&2; exit 1; }

VERSION=$(sed -n 's/^Version:[[:space:]]*//p' packaging/rpm/runz.spec | head -n 1)
WORK="${RUNZ_PKG_WORKDIR:-$ROOT/build/pkg-work}/rpm"
OUTDIR="${RUNZ_PKG_OUTDIR:-$ROOT/build/packages}"
rm -rf "$WORK"
mkdir -p "$WORK"/{SOURCES,SPECS,BUILD,RPMS,SRPMS,stage/runz-"$VERSION"} "$OUTDIR"
STAGE="$WORK/stage/runz-$VERSION"

if [ "$FROM" = rev ]; then
  git archive --format=tar "$REV" | tar -x -C "$STAGE"
  rm -rf "$STAGE/packaging" && cp -a packaging "$STAGE/packaging"
elif [ "$FROM" = dir ]; then
  tar -C "$SRCDIR" --exclude=./build --exclude=./.git -c . | tar -x -C "$STAGE"
elif [ "$FROM" = prebuilt ]; then
  [ -f "$PREBUILT/cmake_install.cmake" ] || { echo "build-rpm: $PREBUILT is not a configured CMake build dir" >&2; exit 1; }
  built_from=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$PREBUILT/CMakeCache.txt")
  [ "$built_from" = "$ROOT" ] || { echo "build-rpm: $PREBUILT was configured from '$built_from', not $ROOT" >&2; exit 1; }
  cp -a packaging "$STAGE/packaging"
else
  git ls-files -z -c -o --exclude-standard | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -c | tar -x -C "$STAGE"
fi
tar -C "$WORK/stage" --owner=0 --group=0 -czf "$WORK/SOURCES/runz-$VERSION.tar.gz" "runz-$VERSION"
cp "$STAGE/packaging/rpm/runz.spec" "$WORK/SPECS/runz.spec"

ARGS=(-bb --define "_topdir $WORK" --define "_smp_mflags -j${JOBS:-2}")
[ -z "$PREBUILT" ] || ARGS+=(--define "runz_prebuilt $PREBUILT")
if [ -e /etc/debian_version ]; then
  ARGS+=(--nodeps --define "debug_package %{nil}" --define "_build_id_links none")
fi
rpmbuild "${ARGS[@]}" "$WORK/SPECS/runz.spec"

RPM=$(ls "$WORK"/RPMS/*/runz-"$VERSION"-*.rpm | grep -v -- -debug)
cp -f "$RPM" "$OUTDIR/"
RPM="$OUTDIR/$(basename "$RPM")"
echo "built $RPM"
rpm -qlp "$RPM"
