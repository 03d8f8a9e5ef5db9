#!/bin/sh
# bench/cpu and bench/io, the dom0 side (busybox sh; bench/workload/run puts it, work and summary.awk into
# dom0 and runs it). One long-running container per runtime from the same kind of bundle (busybox + work,
# process `sleep`): a zone (runz) and a runc container in dom0. Each measurement is `<runtime> exec` of work,
# which times its own work inside the container (the exec around it is not counted). An untimed warm-up per
# runtime, then BENCH_ITERATIONS iterations, the runtimes' order swapped every iteration.
#   BENCH_KIND=cpu   work cpu MIB ROUNDS: hashing a generated buffer; metric cpu_s (seconds)
#   BENCH_KIND=io    in the container's rootfs (9pfs for the zone, dom0's own filesystem for runc):
#                    work write /bench-file MIB      -> seq_write_mbps
#                    work read /bench-file           -> seq_read_mbps   (after sync + drop_caches in dom0)
#                    work tree-write /bench-tree N K -> tree_write_fps  (files/s, each fsynced)
#                    work tree-read /bench-tree      -> tree_read_fps   (after sync + drop_caches in dom0)
# The digests work prints must be the same for both runtimes (same work on the same bytes), else it fails.
# Writes /out/samples.tsv, /out/<kind>.json, /out/table.txt, logs under /out/logs/, and prints the table.
# Exit status: 0 when every measurement worked and nothing was left behind, 1 otherwise.
# Environment: BENCH_KIND, BENCH_ITERATIONS (5), BENCH_CPU_MIB (32), BENCH_CPU_ROUNDS (64), BENCH_IO_MIB (64),
# BENCH_TREE_FILES (256), BENCH_TREE_KIB (16), BENCH_START_TIMEOUT (300 s), BENCH_HOST_* (into the JSON).
set -u
. /payload/testlib.sh
. "$(dirname "$0")/dom0-lib.sh"

KIND=${BENCH_KIND:?BENCH_KIND is cpu or io}
N=${BENCH_ITERATIONS:-5}
CPU_MIB=${BENCH_CPU_MIB:-32}
CPU_ROUNDS=${BENCH_CPU_ROUNDS:-64}
IO_MIB=${BENCH_IO_MIB:-64}
TREE_FILES=${BENCH_TREE_FILES:-256}
TREE_KIB=${BENCH_TREE_KIB:-16}
START_TIMEOUT=${BENCH_START_TIMEOUT:-300}
HERE=$(dirname "$0")
OUT=/out
LOGS=$OUT/logs
W=/tmp/bench-$KIND
ROOT=$W/runz-root
RUNC_ROOT=/run/runc-bench-$KIND
mkdir -p "$LOGS" "$W"
: >"$OUT/samples.tsv"

FAILED=0
failed() {
  echo "$KIND: FAILED: $*"
  FAILED=1
}
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$OUT/samples.tsv"; }
id_of() { echo "bench-$KIND-$1"; }
value() { awk -v k="$2" '$1 == k {print $2; exit}' "$1"; }

make_bundle() { # make_bundle RUNTIME
  b=$W/bundle-$1 r=$W/bundle-$1/rootfs
  mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/tmp" || return 1
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox" && ln -s busybox "$r/bin/sh" && ln -s busybox "$r/bin/sleep" &&
    ln -s busybox "$r/bin/rm" && ln -s busybox "$r/bin/cat" && cp "$HERE/work" "$r/bin/work" || return 1
  cat >"$b/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["/bin/sleep", "1000000"],
              "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "bench-$1",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "network"}]}
}
JSON
}

# in RUNTIME FILE ARGS...: run ARGS in RUNTIME's container, output to FILE; its exit status
in_ctr() {
  rt=$1 f=$2
  shift 2
  case $rt in
    runz) timeout 900 runz --root "$ROOT" exec "$(id_of runz)" "$@" >"$f" 2>&1 ;;
    runc) timeout 900 runc --root "$RUNC_ROOT" exec "$(id_of runc)" "$@" >"$f" 2>&1 ;;
  esac
}
# drop dom0's page cache, so that a read in either runtime starts from the same (cold) cache
drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }

# step ITERATION RUNTIME NAME METRIC ARGS...: run work ARGS; record METRIC (from elapsed_us and, per
# metric, bytes or files); remember the digest for the cross-runtime check. Iteration 0 is the warm-up.
step() {
  i=$1 rt=$2 name=$3 metric=$4
  shift 4
  f=$LOGS/$rt-$i-$name.out
  in_ctr "$rt" "$f" /bin/work "$@"
  rc=$?
  if [ "$rc" != 0 ]; then
    failed "$rt iteration $i: work $* (exit $rc)"
    tail_file "$f"
    return 1
  fi
  us=$(value "$f" elapsed_us) bytes=$(value "$f" bytes) files=$(value "$f" files) digest=$(value "$f" digest)
  [ -n "$us" ] && [ "$us" -gt 0 ] || { failed "$rt iteration $i: work $* printed no time"; tail_file "$f"; return 1; }
  if [ -n "$digest" ]; then
    echo "$i $name $rt $digest" >>"$W/digests"
  fi
  [ "$i" = 0 ] && return 0
  case $metric in
    *_s) v=$(awk -v u="$us" 'BEGIN {printf "%.3f", u / 1e6}') ;;
    *_mbps) v=$(awk -v u="$us" -v b="$bytes" 'BEGIN {printf "%.2f", b / 1048576 / (u / 1e6)}') ;;
    *_fps) v=$(awk -v u="$us" -v n="$files" 'BEGIN {printf "%.1f", n / (u / 1e6)}') ;;
  esac
  sample "$i" "$rt" "$metric" "$v"
  log "$rt iteration $i: $name $v ($metric; $us us)"
}

measure_cpu() { step "$1" "$2" cpu cpu_s cpu "$CPU_MIB" "$CPU_ROUNDS"; }
measure_io() {
  i=$1 rt=$2 io_mib=$IO_MIB io_files=$TREE_FILES
  if [ "$i" = 0 ]; then io_mib=4 io_files=16; fi # warm-up: small
  drop_caches
  step "$i" "$rt" write seq_write_mbps write /bench-file "$io_mib" || return 1
  drop_caches
  step "$i" "$rt" read seq_read_mbps read /bench-file || return 1
  drop_caches
  step "$i" "$rt" tree-write tree_write_fps tree-write /bench-tree "$io_files" "$TREE_KIB" || return 1
  drop_caches
  step "$i" "$rt" tree-read tree_read_fps tree-read /bench-tree || return 1
  # the next round's write and tree-write start from nothing (tree-write's mkdir wants no tree there)
  in_ctr "$rt" "$LOGS/$rt-$i-rm.out" /bin/rm -rf /bench-file /bench-tree || { failed "$rt: rm"; return 1; }
}

# every digest of one step and iteration is the same in both runtimes
check_digests() {
  [ -s "$W/digests" ] || return 0
  bad=$(awk '{k = $1 " " $2; if (k in d && d[k] != $4) print k ": " r[k] " " d[k] " vs " $3 " " $4; d[k] = $4; r[k] = $3}' "$W/digests")
  [ -z "$bad" ] || failed "the runtimes' results differ: $bad"
}

cleanup() { clean_up "$KIND" work; }

run_all() {
  make_bundle runz && make_bundle runc || { failed "making the bundles"; return 1; }
  start_runc "$(id_of runc)" "$W/bundle-runc" || return 1
  start_runz "$(id_of runz)" "$W/bundle-runz" || return 1
  # how the zone mounted its rootfs (9P options, the msize the client and backend agreed on)
  in_ctr runz "$LOGS/runz-mounts.txt" /bin/cat /proc/self/mounts &&
    ROOT_MOUNT=$(awk '$2 == "/" {print $3, $4; exit}' "$LOGS/runz-mounts.txt") && log "zone's rootfs: $ROOT_MOUNT"
  for rt in runz runc; do "measure_$KIND" 0 "$rt" || return 1; done
  i=0
  while [ "$i" -lt "$N" ]; do
    i=$((i + 1))
    if [ $((i % 2)) = 1 ]; then order="runz runc"; else order="runc runz"; fi
    for rt in $order; do "measure_$KIND" "$i" "$rt" || return 1; done
  done
}

case $KIND in cpu|io) ;; *) echo "BENCH_KIND is cpu or io, not $KIND"; exit 1 ;; esac
command -v runc >/dev/null || { echo "$KIND: no runc in dom0"; exit 1; }
trap cleanup EXIT
log "$KIND: $N iterations; load $(cat /proc/loadavg)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
FS_TYPE=$(stat -f -c %T "$W" 2>/dev/null)
MEM="" VCPUS="" ROOT_MOUNT=""
run_all
check_digests
read_zone_size "runz-$(id_of runz)"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
trap - EXIT
cleanup

if [ "$KIND" = cpu ]; then
  PARAMS="cpu_mib=$CPU_MIB cpu_rounds=$CPU_ROUNDS"
else
  PARAMS="io_mib=$IO_MIB tree_files=$TREE_FILES tree_kib=$TREE_KIB"
fi
awk -F'\t' -v kind="$KIND" -v n="$N" -v failed="$FAILED" -v params="$PARAMS" \
  -v mem="$MEM" -v vcpus="$VCPUS" -v kver="$(cat "$ZONE_DIR/kernel.release" 2>/dev/null)" -v fs_type="$FS_TYPE" -v root_mount="$ROOT_MOUNT" \
  -v load_start="$LOAD_START" -v load_end="$LOAD_END" \
  -v host_load_start="${BENCH_HOST_LOAD_START:-}" -v host_commit="${BENCH_HOST_COMMIT:-}" \
  -v host_date="${BENCH_HOST_DATE:-}" -v host_cpus="${BENCH_HOST_CPUS:-}" -v qemu="${BENCH_HOST_QEMU:-}" \
  -v json="$OUT/$KIND.json" -f "$HERE/summary-lib.awk" -f "$HERE/summary.awk" "$OUT/samples.tsv" | tee "$OUT/table.txt"
exit "$FAILED"
