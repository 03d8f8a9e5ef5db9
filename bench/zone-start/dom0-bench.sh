#!/bin/sh
# zone-start, the dom0 side (busybox sh; bench/zone-start/run puts it and first-byte into dom0 and runs it).
# First an untimed warm-up `runz create` + delete (its zone's xenstore gives the xl guests their memory and
# vCPUs; afterwards the kernel, initramfs and binaries are in dom0's page cache for every run). Then it
# alternates, BENCH_ITERATIONS times:
#   runz        `runz create` (stdout a pipe, as a shim gives it) + `runz start` of a busybox bundle whose
#               process prints one line; time until the first byte of that line is read from the pipe
#   xl-vmlinux  `xl create` of a PV domain with the same kernel, initramfs, command line, memory and vCPUs;
#               time until the domain's console has its first byte (xenconsoled's log, seen via inotify)
#   xl-vmlinuz  the same with the compressed Debian bzImage (what xl users boot), unless BENCH_VMLINUZ=0
# and, after each runz run, `runz --version` to its first byte (what one start of the CLI costs).
# Writes /out/samples.tsv, /out/zone-start.json, logs per run under /out/logs/, and prints the table.
# Exit status: 0 when every run produced its first byte and nothing was left behind, 1 otherwise.
# Environment: BENCH_ITERATIONS (5), BENCH_ZONE_CMDLINE (runz's zone command line, required),
# BENCH_VMLINUZ (1), BENCH_TIMEOUT (300 s per run), BENCH_HOST_* (host facts copied into the JSON).
set -u
. /payload/testlib.sh
. "$(dirname "$0")/dom0-lib.sh"

N=${BENCH_ITERATIONS:-5}
CMDLINE=${BENCH_ZONE_CMDLINE:?BENCH_ZONE_CMDLINE is required}
WITH_VMLINUZ=${BENCH_VMLINUZ:-1}
TIMEOUT=${BENCH_TIMEOUT:-300}
HERE=$(dirname "$0")
FB=$HERE/first-byte
VMLINUZ=/usr/share/runz-conformance/vmlinuz
OUT=/out
LOGS=$OUT/logs
W=/tmp/zone-start
ROOT=$W/runz-root
B=$W/bundle
CONSOLE_DIR=/var/log/xen/console
LINE=zone-start-first-line
mkdir -p "$LOGS" "$W"
: >"$OUT/samples.tsv"

FAILED=0
no_domains() { [ -z "$(other_domains)" ]; }
no_backend() { [ -z "$(pids_matching '^[^ ]*runz-p9-backend')" ]; }
cleanup() { clean_up zone-start first-byte; }
# run_failed WHAT: the diagnostics of a failed run; the loop stops after it
run_failed() {
  echo "zone-start: FAILED: $1"
  FAILED=1
}
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$OUT/samples.tsv"; }
# report_value FILE KEY: a value from first-byte's report
report_value() { awk -v k="$2" '$1 == k {print $2; exit}' "$1"; }

# ---- the bundle: busybox, the process prints one line ------------------------------------------------------
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/busybox" || { echo "zone-start: no /bin/busybox in dom0"; exit 1; }
ln -s busybox "$B/rootfs/bin/echo"
cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["echo", "$LINE"],
              "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "bench",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON

# runz_diagnostics ID: where a failed zone stands (before it is deleted)
runz_diagnostics() {
  echo "xl list:"; xl list
  domid=$(xl domid "runz-$1" 2>/dev/null) || { echo "no domain runz-$1"; return 0; }
  echo "xl list -v runz-$1 (twice, 2 s apart: is it using CPU?):"; xl list -v "runz-$1"; sleep 2; xl list -v "runz-$1"
  echo "xenstore /local/domain/$domid/device:"; xenstore-ls -f "/local/domain/$domid/device"
  echo "xenstore 9pfs backend:"; xenstore-ls -f "/local/domain/0/backend/9pfs/$domid"
  echo "processes:"; ps -o pid,stat,args | grep -E 'runz|p9' | grep -v grep
  for f in "$ROOT/$1"/*; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
}

# ---- one runz run: create + start, first byte of the process's stdout ------------------------------------
runz_once() {
  i=$1 id=bench-$1 r=$LOGS/runz-$1
  "$FB" --timeout "$TIMEOUT" --drain 120 --stderr-log "$r.stderr" --expect-line "$LINE" pipe -- \
    runz --root "$ROOT" --debug --log "$r.log" create --bundle "$B" "$id" --then \
    runz --root "$ROOT" --debug --log "$r.log" start "$id" <"/dev/null" >"$r.report"
  rc=$?
  [ -f "$ROOT/$id/console.log" ] && cp "$ROOT/$id/console.log" "$r.console.log"
  [ -f "$ROOT/$id/monitor.log" ] && cp "$ROOT/$id/monitor.log" "$r.monitor.log"
  first=$(report_value "$r.report" first_byte_ms)
  # first-byte checks the line itself (--expect-line): a busybox tool here once printed garbage
  if [ "$rc" != 0 ] || [ -z "$first" ]; then
    run_failed "runz run $i (first-byte exit $rc; want the line '$LINE')"
    runz_diagnostics "$id" >"$r.diag" 2>&1
    cat "$r.report"; tail_file "$r.stderr" 30; tail_file "$r.log"; tail_file "$r.console.log"; tail_file "$r.diag" 60
    runz --root "$ROOT" delete --force "$id" >>"$r.log" 2>&1
    return 1
  fi
  runz --root "$ROOT" delete --force "$id" >>"$r.log" 2>&1
  sample "$i" runz first_byte_ms "$first"
  sample "$i" runz create_returned_ms "$(report_value "$r.report" cmd1_exit_ms)"
  sample "$i" runz start_returned_ms "$(report_value "$r.report" cmd2_exit_ms)"
  v=$(report_value "$r.report" eof_ms) && [ -n "$v" ] && sample "$i" runz stdout_eof_ms "$v"
  # runz's own timings: the zone's phases as the monitor logged them (src/xen/xen_zone.cpp timed_phase)
  [ -f "$r.monitor.log" ] && awk '/: phase [a-z]+ [0-9.]+ ms$/ {print $(NF - 2), $(NF - 1)}' "$r.monitor.log" |
    while read -r phase ms; do sample "$i" runz "phase_${phase}_ms" "$ms"; done
  # for scale: what starting the runz CLI costs by itself (create and start are one such start each)
  "$FB" --timeout 60 pipe -- runz --version </dev/null >"$r.version.report" 2>/dev/null &&
    sample "$i" runz cli_version_first_byte_ms "$(report_value "$r.version.report" first_byte_ms)"
  log "runz run $i: create returned $(report_value "$r.report" cmd1_exit_ms) ms, first byte $first ms"
  return 0
}

# ---- one xl run: xl create, first byte on the domain's console -------------------------------------------
xl_once() {
  i=$1 kind=$2 kernel=$3 name=bench-$2-$1 r=$LOGS/$2-$1
  clog=$CONSOLE_DIR/guest-$name.log
  rm -f "$clog"
  cat >"$r.cfg" <<EOF
name = "$name"
type = "pv"
kernel = "$kernel"
ramdisk = "$ZONE_DIR/initrd.img"
extra = "$CMDLINE"
memory = $MEM
vcpus = $VCPUS
on_poweroff = "destroy"
on_crash = "preserve"
EOF
  "$FB" --timeout "$TIMEOUT" --stderr-log "$r.stderr" file "$clog" -- xl create "$r.cfg" </dev/null >"$r.report"
  rc=$?
  first=$(report_value "$r.report" first_byte_ms)
  hex=$(report_value "$r.report" first_bytes_hex)
  [ -f "$clog" ] && cp "$clog" "$r.console.log"
  xl destroy "$name" >>"$r.stderr" 2>&1
  if [ "$rc" != 0 ] || [ -z "$first" ]; then
    run_failed "$kind run $i (first-byte exit $rc)"
    cat "$r.report"; tail_file "$r.stderr"; tail_file "$r.console.log"
    return 1
  fi
  sample "$i" "$kind" first_byte_ms "$first"
  sample "$i" "$kind" create_returned_ms "$(report_value "$r.report" cmd1_exit_ms)"
  # what came first: the agent's HELLO frame ("RZ" 01 01) or console text
  # ("RZ", then the protocol version, then type 1: HELLO; any version, so a protocol bump keeps the label)
  case $hex in 525a[0-9a-f][0-9a-f]01*) what=agent-hello ;; *) what=text ;; esac
  echo "$i $kind $what $hex" >>"$OUT/first-bytes.txt"
  log "$kind run $i: xl create returned $(report_value "$r.report" cmd1_exit_ms) ms, first byte $first ms ($what)"
  return 0
}

# ---- warm-up (untimed): one `runz create`, whose zone also gives the xl guests their size ----------------
# The same files are then in dom0's page cache for every timed run, runz's and xl's alike.
zone_size() {
  id=bench-warmup r=$LOGS/warmup
  if ! runz --root "$ROOT" --debug --log "$r.log" create --bundle "$B" "$id" </dev/null >/dev/null 2>"$r.stderr"; then
    run_failed "warm-up runz create"
    tail_file "$r.stderr"; tail_file "$r.log"
    return 1
  fi
  read_zone_size "runz-$id"
  runz --root "$ROOT" delete --force "$id" >>"$r.log" 2>&1
  if [ -z "$MEM" ] || [ "${VCPUS:-0}" -eq 0 ]; then
    run_failed "no size for zone runz-$id in xenstore"
    return 1
  fi
  # every run starts from the same state: the warm-up's domain and 9pfs backend gone
  wait_for 30 no_domains || { run_failed "warm-up zone still there after runz delete --force"; return 1; }
  wait_for 30 no_backend || { run_failed "warm-up 9pfs backend still running after runz delete --force"; return 1; }
  log "zone size (xenstore of runz's zone): $MEM MiB, $VCPUS vCPU(s)"
}

trap cleanup EXIT
log "zone-start: $N iterations; zone command line '$CMDLINE'; load $(cat /proc/loadavg)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
i=0 MEM="" VCPUS=""
zone_size
while [ "$i" -lt "$N" ] && [ "$FAILED" = 0 ]; do
  i=$((i + 1))
  runz_once "$i" || break
  xl_once "$i" xl-vmlinux "$ZONE_DIR/vmlinux" || break
  if [ "$WITH_VMLINUZ" = 1 ]; then xl_once "$i" xl-vmlinuz "$VMLINUZ" || break; fi
  [ -z "$(other_domains)" ] || { run_failed "domains left after iteration $i: $(other_domains | tr '\n' ' ')"; break; }
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
trap - EXIT
cleanup

# ---- summary: table, ratios, JSON ----------------------------------------------------------------------
awk -F'\t' -v n="$N" -v failed="$FAILED" -v mem="$MEM" -v vcpus="$VCPUS" -v cmdline="$CMDLINE" \
  -v load_start="$LOAD_START" -v load_end="$LOAD_END" -v kver="$(cat "$ZONE_DIR/kernel.release" 2>/dev/null)" \
  -v host_load_start="${BENCH_HOST_LOAD_START:-}" -v host_commit="${BENCH_HOST_COMMIT:-}" \
  -v host_date="${BENCH_HOST_DATE:-}" -v host_cpus="${BENCH_HOST_CPUS:-}" -v qemu="${BENCH_HOST_QEMU:-}" \
  -v json="$OUT/zone-start.json" -f "$HERE/summary-lib.awk" -f "$HERE/summary.awk" "$OUT/samples.tsv" | tee "$OUT/table.txt"
exit "$FAILED"
