#!/usr/bin/env bash
# Runs every test of runz on a Debian 12 machine: installs what it needs, builds twice and runs ctest.
#   build/release  - the binaries that go into the emulated Xen host image (-Werror)
#   build/asan     - unit tests under ASan+UBSan (-Werror); its ctest also runs the end-to-end suites,
#                    which boot the emulated Xen host with build/release's binaries, installed in its
#                    image by `dpkg -i` of their .deb, and package_file_lists, which packages build/release
#                    as .deb and .rpm (no second compile), runs lintian and compares the file lists.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
JOBS=$(nproc)
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUNZ_WERROR=ON >/dev/null
cmake --build build/release -j"$JOBS"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DRUNZ_WERROR=ON -DRUNZ_SANITIZE=ON -DRUNZ_BUILD_GUEST=OFF \
  -DRUNZ_IMAGE_BUILD_DIR="$PWD/build/release" >/dev/null
cmake --build build/asan -j"$JOBS"
ctest --test-dir build/asan --output-on-failure "$@"
