#!/bin/sh
# ctest's fuzz_<target> tests (fuzz/CMakeLists.txt): run-fuzz-test.sh BINARY RUNS SEEDS WORK
# Runs the libFuzzer target BINARY on RUNS inputs with a fixed seed, starting from the seed corpus SEEDS (read
# only: what the run finds goes to WORK/new, emptied first; a crash's input to WORK/crash-*). Passes
# fuzz/<target>.dict when there is one. Fails on a crash, a leak, a sanitizer report or a timeout.
set -eu
binary=$1 runs=$2 seeds=$3 work=$4
if [ ! -x "$binary" ]; then
  echo "$binary is not built: scripts/lib/build.sh's configure_fuzz, then cmake --build build/fuzz --target runz-fuzzers"
  exit 1
fi
rm -rf "$work"
mkdir -p "$work/new"
set -- "$work/new"
[ -d "$seeds" ] && set -- "$@" "$seeds"
dict=$(dirname "$0")/$(basename "$binary").dict
[ -f "$dict" ] && set -- -dict="$dict" "$@"
# -timeout is per input and counts wall time: in CI the fuzzers run at nice 10 beside two QEMU boots and one
# input once waited 13 s for a CPU (52 inputs/s where 10,000 is usual). 120 s still flags a real hang.
exec "$binary" -runs="$runs" -seed=1 -timeout=120 -artifact_prefix="$work/" -print_final_stats=1 "$@"
