#!/usr/bin/env bash
# Runs every test of runz on a Debian 12 machine: installs what it needs, builds three times and runs ctest.
#   build/release  - the binaries that go into the emulated Xen host image (-Werror; no unit tests)
#   build/fuzz     - the libFuzzer targets (clang, -Werror; fuzz/), only them
#   build/asan     - unit tests under ASan+UBSan (-Werror); its ctest also runs each of build/fuzz's targets
#                    for a fixed number of inputs from its seed corpus (tests fuzz_*, label fuzz), the end-to-end suites,
#                    which boot the emulated Xen host with build/release's binaries, installed in its
#                    image by `dpkg -i` of their .deb, and package_file_lists, which packages build/release
#                    as .deb and .rpm (no second compile), runs lintian and compares the file lists.
# The boots need only build/release and the image, so they start as soon as build/release is built, in the
# background (ctest -R 'e2e_(image|boot_N|selftest_harness)' -j2 with RUNZ_E2E_BOOTS=start:DIR, see
# conformance/e2e-boot: two 1-CPU QEMUs side by side), while build/asan compiles at low priority in what
# they leave of the CPUs; the full ctest run then joins them (RUNZ_E2E_BOOTS=join:DIR) and reports every
# test, as one ctest summary.
# Compiles go through ccache and the image is cached, both in ~/.cache/runz (scripts/lib/build.sh), so a
# second run on the same machine, even from a fresh clone, starts warm. At the end it prints where the time
# went (each phase, each ctest test, each boot per suite), then ctest's summary again.
# Arguments go to the full ctest run (e.g. -L unit); with arguments no boot is started early.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/build.sh
. scripts/lib/phases.sh
CTEST_LOG=build/ctest.log
E2E_LOGS=build/asan/conformance/logs
EARLY=build/asan/conformance/early-boots

# details under a phase's line: ctest's tests (unit tests summed) and each boot's phases
ctest_details() {
  [ "$1" = ctest ] && [ -f "$CTEST_LOG" ] || return 0
  awk '
    / Test +#[0-9]+: / {
      for (i = 1; i <= NF; i++) if ($i ~ /^#[0-9]+:$/) name = $(i + 1)
      secs = $(NF - 1)
      if (name ~ /^e2e_|^package_|^zone_image|^fuzz_/) printf "    %-56s %8.1f s\n", name (name ~ /^e2e_boot_|^e2e_selftest/ && early ? " (joined: the wait)" : ""), secs
      else { unit += secs; n++ }
    }
    END { if (n) printf "    %-56s %8.1f s\n", "unit tests (" n ", ASan+UBSan)", unit }' early="$STARTED_EARLY" "$CTEST_LOG"
  if [ "$STARTED_EARLY" = 1 ] && [ -f "$EARLY/ctest.log" ]; then
    echo "    started after build/release, in the background beside the phases after it (ctest -j2: two at a time):"
    awk '/ Test +#[0-9]+: / { for (i = 1; i <= NF; i++) if ($i ~ /^#[0-9]+:$/) name = $(i + 1)
                             printf "      %-54s %8.1f s\n", name, $(NF - 1) }' "$EARLY/ctest.log"
  fi
  local d
  for d in "$E2E_LOGS"/boot*/; do boot_details "${d%/}"; done
}
# boot_details DIR: a boot's phases from run-suite --record (boot.tsv, results.tsv)
boot_details() {
  local b=$1/boot.tsv r=$1/results.tsv
  [ -f "$b" ] && [ -f "$r" ] || return 0
  echo "    boot $(basename "$1"):"
  awk -F'\t' -v results="$r" '
    function row(what, s) { printf "      %-54s %8.1f s\n", what, s }
    { v[$1] = $2 }
    END {
      row("image (cache check or build)", v["image"])
      row("QEMU start -> dom0 /init", v["dom0-init"])
      row("-> toolstack ready", v["toolstack-ready"] - v["dom0-init"])
      while ((getline line < results) > 0) {
        split(line, f, "\t"); split(f[1], st, "/")
        if (!(st[1] in secs)) order[++n] = st[1]
        secs[st[1]] += f[3]; count[st[1]]++
        if (f[2] != "PASS" && f[2] != "SKIP") bad[st[1]] = bad[st[1]] " " st[2] "=" f[2]
      }
      for (i = 1; i <= n; i++) { s = order[i]; sum += secs[s]; row("suite " s " (" count[s] " tests" bad[s] ")", secs[s]) }
      if (v["job-done"] != "") row("between tests (runner: leftover checks, dmesg)", v["job-done"] - v["toolstack-ready"] - sum)
      if (v["qemu-exit"] != "" && v["job-done"] != "") row("-> QEMU exit", v["qemu-exit"] - v["job-done"])
      row("the boot in all", v["image"] + v["qemu-exit"])
      if (v["boot-fail"] != "") print "      boot ended with: " v["boot-fail"]
    }' "$b"
}
stop_early_boots() {
  local pid
  pid=$(cat "$EARLY/starter.pid" 2>/dev/null) || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  echo "== stopping the boots started early (session $pid)"
  pkill -TERM -s "$pid" 2>/dev/null # the whole session: timeout(1) puts QEMU in a process group of its own
}
finish() {
  local rc=$?
  set +e
  stop_early_boots
  echo
  phases_print ctest_details
  if command -v ccache >/dev/null; then echo "  ccache: $(ccache --print-stats 2>/dev/null | awk -F'\t' '$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" {h += $2} $1 == "cache_miss" {m = $2} END {print h + 0 " hits, " m + 0 " misses in this run"}')"; fi
  # ctest's summary last, where a reader (and CI) looks for it
  [ -f "$CTEST_LOG" ] && sed -n '/tests passed, .* tests failed out of/,$p' "$CTEST_LOG"
  exit "$rc"
}
trap finish EXIT

STARTED_EARLY=0
phase "install packages (scripts/deps.sh)" scripts/deps.sh
! command -v ccache >/dev/null || ccache -z >/dev/null
phase "configure build/release" configure_release
phase "build build/release (runz, shim, agent, 9pfs backend, dom0 test programs)" cmake --build build/release -j"$JOBS"
phase "configure build/asan" configure_asan
rm -rf "$EARLY"
if (($# == 0)); then
  mkdir -p "$EARLY"
  # a session of its own (setsid), so that stop_early_boots finds all of it, QEMU included
  RUNZ_E2E_BOOTS=start:$PWD/$EARLY setsid ctest --test-dir build/asan -R '^e2e_(image|boot_[0-9]+|selftest_harness)$' \
    -j2 >"$EARLY/ctest.log" 2>&1 </dev/null &
  echo $! >"$EARLY/starter.pid"
  STARTED_EARLY=1
  echo "== the emulated host's boots started in the background (log: $EARLY/ctest.log)"
  export RUNZ_E2E_BOOTS=join:$PWD/$EARLY
fi
phase "build build/asan (unit tests, ASan+UBSan; low priority beside the boots)" nice -n 19 cmake --build build/asan -j"$JOBS"
phase "configure build/fuzz" configure_fuzz
phase "build build/fuzz (libFuzzer targets, clang; low priority beside the boots)" \
  nice -n 19 cmake --build build/fuzz --target runz-fuzzers -j"$JOBS"
rm -f "$CTEST_LOG"
run_ctest() { nice -n 10 ctest --test-dir build/asan --output-on-failure "$@" 2>&1 | tee "$CTEST_LOG"; return "${PIPESTATUS[0]}"; }
phase ctest run_ctest "$@"
