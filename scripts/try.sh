#!/usr/bin/env bash
# try.sh: see runz work on a fresh Debian 12 machine with one command.
# Installs the packages (scripts/deps.sh), builds the release binaries (build/release), builds the emulated
# Xen host's image (cached in build/release/conformance/image) and boots it: Xen 4.17 and a Debian dom0
# under QEMU (software emulation, no KVM needed). Inside dom0 it runs conformance/demo.sh and shows its
# output here. Extra arguments go to conformance/run-shell (e.g. -v for the whole console).
# Takes a few minutes the first time; the image is reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
JOBS=$(nproc)
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$JOBS"
echo "== booting the emulated Xen host (QEMU TCG); the demo's output follows"
exec conformance/run-shell --build-dir build/release --cmd 'sh /payload/demo.sh' "$@"
