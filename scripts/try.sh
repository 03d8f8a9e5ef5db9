#!/usr/bin/env bash
# try.sh: see runz work on a fresh Debian 12 machine with one command.
#   scripts/try.sh            installs the packages (scripts/deps.sh), builds what goes into the emulated Xen
#                             host's image (runz, the shim, the guest agent, the 9pfs backend: the runz-dist
#                             target of build/release), builds the image (cached in ~/.cache/runz/image), boots
#                             Xen 4.17 and a Debian dom0 under QEMU (software emulation, no KVM needed) and
#                             runs conformance/demo.sh there: `runz run`, `docker run --runtime=runz` and
#                             `ctr run --runtime io.containerd.runz.v2`, each in a zone of its own, then a
#                             summary. Each step's time is printed at the end.
#   scripts/try.sh --shell    the same build and boot, then a dom0 shell on this terminal with containerd,
#                             dockerd and a busybox image ready (poweroff -f or Ctrl-A X leaves).
# Other arguments go to conformance/run-shell (e.g. -v for the whole console).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/build.sh
. scripts/lib/phases.sh
SHELL_MODE=0
ARGS=()
for a in "$@"; do
  case $a in
    --shell) SHELL_MODE=1 ;;
    *) ARGS+=("$a") ;;
  esac
done

phase "install packages (scripts/deps.sh)" scripts/deps.sh
phase "configure build/release" configure_release
phase "build runz, shim, agent, 9pfs backend (target runz-dist)" cmake --build build/release -j"$JOBS" --target runz-dist
image() { conformance/image/build-image.sh --build-dir build/release | tail -n 1; }
phase "emulated host's image (Debian packages + runz's .deb)" image
if [ "$SHELL_MODE" = 1 ]; then
  echo "== booting the emulated Xen host; a dom0 shell follows once containerd and dockerd are up"
  exec conformance/run-shell --build-dir build/release --interactive --cmd 'sh /payload/demo.sh --shell' "${ARGS[@]}"
fi
trap 'echo; phases_print' EXIT
phase "boot the emulated Xen host and run the demo" conformance/run-shell --build-dir build/release --cmd 'sh /payload/demo.sh' "${ARGS[@]}"
