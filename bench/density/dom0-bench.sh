#!/bin/sh
# density, the dom0 side (busybox sh; bench/workload/run --kind density puts it and summary.awk into dom0).
# Starts idle zones (busybox `sleep`, runz's default size) one after another while the next still fits the
# budget: Xen's free memory at the start less BENCH_RESERVE_MIB (or BENCH_BUDGET_MIB if smaller). Then, with
# all of them up, per zone:
#   dom0_rss_kib / dom0_pss_kib   runz's own dom0 processes (monitors, 9pfs backends): VmRSS and Pss (shared
#                                 pages split between their users) summed, over the number of zones; also
#                                 per kind (monitor_*_kib, backend_*_kib)
#   xen_mib                       Xen memory the zones took (xl info free_memory before and after) / zones
#   xen_beyond_config_mib         that, less the size config.json asked for (memory/static-max)
#   zone_used_kib                 inside one zone: MemTotal - MemAvailable (its kernel and agent, at rest)
#   zone_overhead_kib             inside one zone: static-max - MemAvailable (also what the kernel reserved)
# The peer: as many runc containers of the same bundle in dom0, per container: dom0 MemAvailable before -
# after / count, and their processes' Pss; and how many such containers the same budget would hold.
# Writes /out/samples.tsv, /out/density.json, /out/table.txt, logs under /out/logs/; exit 0 when every start
# worked and nothing was left behind, 1 otherwise.
set -u
. /payload/testlib.sh
. "$(dirname "$0")/dom0-lib.sh"

RESERVE_MIB=${BENCH_RESERVE_MIB:-64}
BUDGET_MIB=${BENCH_BUDGET_MIB:-0}
START_TIMEOUT=${BENCH_START_TIMEOUT:-300}
HERE=$(dirname "$0")
OUT=/out
LOGS=$OUT/logs
W=/tmp/bench-density
ROOT=$W/runz-root
RUNC_ROOT=/run/runc-bench-density
mkdir -p "$LOGS" "$W"
: >"$OUT/samples.tsv"

FAILED=0
failed() {
  echo "density: FAILED: $*"
  FAILED=1
}
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/samples.tsv"; }
xen_free_mib() { xl info 2>/dev/null | awk '$1 == "free_memory" {print $3}'; }
meminfo_kib() { awk -v k="$2:" '$1 == k {print $2}' "$1"; }
# proc_kib PID FIELD: VmRSS from status, Pss from smaps_rollup (0 when the process is gone)
proc_kib() {
  case $2 in
    rss) awk '$1 == "VmRSS:" {print $2; exit}' "/proc/$1/status" 2>/dev/null ;;
    pss) awk '$1 == "Pss:" {print $2; exit}' "/proc/$1/smaps_rollup" 2>/dev/null ;;
  esac
}
sum_kib() { # sum_kib FIELD PID...
  f=$1 t=0
  shift
  for p in "$@"; do v=$(proc_kib "$p" "$f"); t=$((t + ${v:-0})); done
  echo "$t"
}

B=$W/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/busybox" && ln -s busybox "$B/rootfs/bin/sleep" && ln -s busybox "$B/rootfs/bin/cat" ||
  { echo "density: no /bin/busybox in dom0"; exit 1; }
cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["/bin/sleep", "1000000"],
              "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "density",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "network"}]}
}
JSON

ZONES=0 SIZE_MIB="" RUNCS=0
start_zones() {
  free0=$(xen_free_mib)
  budget=$((free0 - RESERVE_MIB))
  [ "$BUDGET_MIB" -gt 0 ] && [ "$BUDGET_MIB" -lt "$budget" ] && budget=$BUDGET_MIB
  BUDGET=$budget FREE0=$free0
  log "Xen free memory $free0 MiB; budget for zones $budget MiB"
  used=0
  while :; do
    id=zone$((ZONES + 1))
    # the next zone's size: the last one's as Xen counted it (the first: assume it fits)
    if [ "$ZONES" -gt 0 ]; then
      per=$(((FREE0 - $(xen_free_mib)) / ZONES))
      [ $((used + per)) -le "$budget" ] || { log "zone $((ZONES + 1)) would not fit: $used + $per > $budget MiB"; break; }
    fi
    if ! timeout "$START_TIMEOUT" runz --root "$ROOT" --log "$LOGS/runz.log" create --bundle "$B" "$id" \
         </dev/null >"$LOGS/$id.out" 2>&1 || ! runz --root "$ROOT" --log "$LOGS/runz.log" start "$id"; then
      # Xen out of memory is where the budget ends, not a failure, when it comes from the domain build
      if grep -qi "memory" "$LOGS/$id.out"; then
        log "zone $((ZONES + 1)) did not fit: $(tail -n 1 "$LOGS/$id.out")"
        runz --root "$ROOT" delete --force "$id" >/dev/null 2>&1
        break
      fi
      failed "runz create/start $id"
      tail_file "$LOGS/$id.out"; tail_file "$LOGS/runz.log"
      return 1
    fi
    ZONES=$((ZONES + 1))
    used=$((FREE0 - $(xen_free_mib)))
    log "zone $ZONES up (domain $(xl domid "runz-$id" 2>/dev/null)); Xen memory taken so far $used MiB"
  done
  [ "$ZONES" -gt 0 ] || { failed "not one zone started"; return 1; }
}

measure_zones() {
  free1=$(xen_free_mib)
  read_zone_size runz-zone1 || { failed "no static-max for zone1"; return 1; }
  SIZE_MIB=$MEM
  monitors=$(pids_named runz) backends=$(pids_named runz-p9-backend)  # the monitors: forked from runz create
  m_rss=$(sum_kib rss $monitors) m_pss=$(sum_kib pss $monitors) b_rss=$(sum_kib rss $backends) b_pss=$(sum_kib pss $backends)
  rss=$((m_rss + b_rss)) pss=$((m_pss + b_pss))
  log "dom0: $(echo $monitors | wc -w) runz processes, $(echo $backends | wc -w) backends: VmRSS $rss KiB, Pss $pss KiB in all"
  sample runz zones "$ZONES"
  sample runz budget_mib "$BUDGET"
  sample runz dom0_rss_kib $((rss / ZONES))
  sample runz dom0_pss_kib $((pss / ZONES))
  sample runz monitor_pss_kib $((m_pss / ZONES))
  sample runz backend_pss_kib $((b_pss / ZONES))
  sample runz monitor_rss_kib $((m_rss / ZONES))
  sample runz backend_rss_kib $((b_rss / ZONES))
  xen=$(((FREE0 - free1) / ZONES))
  sample runz xen_mib "$xen"
  sample runz xen_beyond_config_mib $((xen - SIZE_MIB))
  if runz --root "$ROOT" exec zone1 /bin/cat /proc/meminfo >"$LOGS/zone1.meminfo" 2>&1; then
    total=$(meminfo_kib "$LOGS/zone1.meminfo" MemTotal) avail=$(meminfo_kib "$LOGS/zone1.meminfo" MemAvailable)
    sample runz zone_used_kib $((total - avail))
    sample runz zone_overhead_kib $((MEM_KIB - avail))
    log "zone1: static-max $MEM_KIB KiB, MemTotal $total KiB, MemAvailable $avail KiB"
  else
    failed "runz exec zone1 cat /proc/meminfo"
    tail_file "$LOGS/zone1.meminfo"
  fi
}

# the peer: as many runc containers of the same bundle, in dom0
runc_peer() {
  sync && echo 3 >/proc/sys/vm/drop_caches
  avail0=$(meminfo_kib /proc/meminfo MemAvailable)
  i=0
  while [ "$i" -lt "$ZONES" ]; do
    i=$((i + 1))
    timeout "$START_TIMEOUT" runc --root "$RUNC_ROOT" run -d --bundle "$B" "ctr$i" </dev/null >"$LOGS/runc-$i.out" 2>&1 ||
      { failed "runc run -d ctr$i"; tail_file "$LOGS/runc-$i.out"; return 1; }
    RUNCS=$i
  done
  sync && echo 3 >/proc/sys/vm/drop_caches
  avail1=$(meminfo_kib /proc/meminfo MemAvailable)
  pids=""
  # each container's one process (sleep) is its init: runc state's pid (runc ps wants a ps that takes -ef)
  for c in $(runc --root "$RUNC_ROOT" list -q); do
    pids="$pids $(runc --root "$RUNC_ROOT" state "$c" 2>/dev/null | awk -F'[:,]' '$1 ~ /"pid"/ {gsub(/ /, "", $2); print $2; exit}')"
  done
  per=$(((avail0 - avail1) / RUNCS))
  sample runc containers "$RUNCS"
  sample runc dom0_mem_kib "$per"
  sample runc dom0_pss_kib $(($(sum_kib pss $pids) / RUNCS))
  [ "$per" -gt 0 ] && sample runc fit_in_budget $((BUDGET * 1024 / per))
  log "runc: $RUNCS containers, dom0 MemAvailable $avail0 -> $avail1 KiB"
}

cleanup() { clean_up density; }

command -v runc >/dev/null || { echo "density: no runc in dom0"; exit 1; }
trap cleanup EXIT
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
start_zones && measure_zones && runc_peer
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
trap - EXIT
cleanup

awk -F'\t' -v failed="$FAILED" -v mem="$SIZE_MIB" -v reserve="$RESERVE_MIB" \
  -v kver="$(cat "$ZONE_DIR/kernel.release" 2>/dev/null)" -v load_start="$LOAD_START" -v load_end="$LOAD_END" \
  -v host_load_start="${BENCH_HOST_LOAD_START:-}" -v host_commit="${BENCH_HOST_COMMIT:-}" \
  -v host_date="${BENCH_HOST_DATE:-}" -v host_cpus="${BENCH_HOST_CPUS:-}" -v qemu="${BENCH_HOST_QEMU:-}" \
  -v json="$OUT/density.json" -f "$HERE/summary-lib.awk" -f "$HERE/summary.awk" "$OUT/samples.tsv" | tee "$OUT/table.txt"
exit "$FAILED"
