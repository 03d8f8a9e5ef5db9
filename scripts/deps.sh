#!/usr/bin/env bash
# Installs the Debian 12 packages runz needs to build, test and boot the emulated Xen host.
# Skips apt entirely when everything is already there, so repeated runs are fast.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config clang libclang-rt-14-dev  # compilers; clang for libFuzzer targets
  ninja-build ccache                                          # faster builds; compiles cached across clones (scripts/lib/build.sh)
  nlohmann-json3-dev libcxxopts-dev doctest-dev                 # config/state JSON, CLI parsing, unit tests
  libseccomp-dev                                                # seccomp in the guest agent and 9pfs backend
  libnl-3-dev libnl-route-3-dev                                 # rtnetlink: zone NICs (host: tc mirred, netns moves; agent: addresses, routes; static in the agent)
  libxen-dev                                                    # libxenctrl/guest/store/gnttab/evtchn: the toolstack
  libprotobuf-dev protobuf-compiler                             # containerd shim v2 (ttrpc + protobuf)
  libgrpc++-dev protobuf-compiler-grpc                          # CRI client for the e2e tests (runz-cri): gRPC
  qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils  # the emulated Xen host
  busybox-static cpio zstd xz-utils kmod                         # dom0 / zone initramfs contents and tools
  containerd libdevmapper1.02.1 libgpgme11 libsubid4           # client tests in the emulated host (the libraries: dockerd and podman, taken from their .debs)
  iptables                                                      # dom0's iptables (nf_tables): Docker, Podman and CNI portmap NAT
  libiperf0                                                     # bench/net: iperf3's library (iperf3 itself is taken from its .deb)
  debhelper lintian rpm                                         # .deb/.rpm builds and their tests (packaging/)
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
