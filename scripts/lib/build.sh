# shellcheck shell=bash
# Sourced by scripts/try.sh and scripts/test.sh (cwd: the repository root): where this machine keeps what
# survives a fresh clone, and the two CMake configurations.
#
# ~/.cache/runz (RUNZ_MACHINE_CACHE) holds, for every clone on this machine:
#   ccache/  compiler cache (CMake's compiler launcher; CCACHE_BASEDIR makes paths in the checkout relative,
#            so another clone's build hits it)
#   debs/    Debian packages downloaded for the emulated host's image (kernel, docker.io, podman, ...)
#   image/   built images of the emulated host, keyed by their inputs (conformance/image/build-image.sh)
RUNZ_MACHINE_CACHE=${RUNZ_MACHINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runz}
export CCACHE_DIR=${CCACHE_DIR:-$RUNZ_MACHINE_CACHE/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}
export RUNZ_CACHE_DIR=${RUNZ_CACHE_DIR:-$RUNZ_MACHINE_CACHE}
export RUNZ_IMAGE_CACHE_DIR=${RUNZ_IMAGE_CACHE_DIR:-$RUNZ_MACHINE_CACHE/image}
JOBS=${JOBS:-$(nproc)}

# cmake_configure DIR ARGS...: configures DIR with Ninja; a DIR configured with another generator is
# started afresh (CMake refuses to switch generators in place)
cmake_configure() {
  local dir=$1
  shift
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    echo "== $dir was configured with another generator: starting it afresh"
    rm -rf "$dir"
  fi
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
}

# build/release: what goes into the emulated host's image (runz's .deb and the dom0-side test programs),
# -Werror, no unit tests
configure_release() {
  cmake_configure build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUNZ_WERROR=ON -DRUNZ_BUILD_TESTS=OFF
}
# build/asan: the unit tests under ASan+UBSan; its ctest runs every test, the end-to-end suites on an image
# of build/release's binaries and the fuzz targets of build/fuzz (label fuzz, a fixed number of runs each)
configure_asan() {
  cmake_configure build/asan -DCMAKE_BUILD_TYPE=Debug -DRUNZ_WERROR=ON -DRUNZ_SANITIZE=ON -DRUNZ_BUILD_GUEST=OFF \
    -DRUNZ_IMAGE_BUILD_DIR="$PWD/build/release" -DRUNZ_FUZZ_BUILD_DIR="$PWD/build/fuzz"
}
# build/fuzz: the libFuzzer targets (clang; fuzz/CMakeLists.txt), no unit tests, no guest; build only the
# `runz-fuzzers` target there (the libraries are instrumented for the fuzzer, nothing else is shipped from it)
configure_fuzz() {
  cmake_configure build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DRUNZ_WERROR=ON -DRUNZ_BUILD_FUZZERS=ON -DRUNZ_BUILD_TESTS=OFF -DRUNZ_BUILD_GUEST=OFF
}
