#!/bin/sh
# net, the dom0 side (busybox sh; bench/net/run puts it, tcp-rr and summary.awk into dom0 and runs it).
# A bridge brbench (10.99.0.1/24) in dom0; for each runtime a network namespace /run/netns/bench-<rt> with
# eth0 (a veth, 10.99.0.2 for runz, .3 for runc, default route via 10.99.0.1) whose peer is on the bridge.
# One container per runtime from the same kind of bundle (iperf3 + its libraries, tcp-rr, busybox; process
# `tcp-rr serve 5202 & exec iperf3 -s`), config.json naming its namespace: runz mirrors eth0 into the zone
# as a Xen vif; runc's container uses the namespace itself. Untimed warm-up, then BENCH_ITERATIONS
# iterations, the runtimes' order swapped every iteration (runz runc, runc runz, ...), each measuring from
# dom0 against one container:
#   tput_fwd   iperf3 -c IP -t T -O 1 -J        dom0 -> container, receiver's bits/s (sum_received)
#   tput_rev   the same with -R                  container -> dom0
#   rr         tcp-rr client IP 5202 COUNT      median (and p90) of COUNT 1-byte TCP request/response
#                                                round trips on one connection (TCP_NODELAY)
#   ping       ping -c COUNT -i 0.1 IP          median ICMP echo round trip
# Writes /out/samples.tsv, /out/net.json, /out/table.txt, logs under /out/logs/, and prints the table.
# Exit status: 0 when every measurement worked and nothing was left behind, 1 otherwise.
# Environment: BENCH_ITERATIONS (3), BENCH_TIME (iperf3 seconds, 10), BENCH_RR_COUNT (1000),
# BENCH_PING_COUNT (50), BENCH_START_TIMEOUT (300 s for a container to start), BENCH_HOST_* (host facts
# copied into the JSON).
set -u
. /payload/testlib.sh
. "$(dirname "$0")/dom0-lib.sh"

N=${BENCH_ITERATIONS:-3}
T=${BENCH_TIME:-10}
RR_COUNT=${BENCH_RR_COUNT:-1000}
PING_COUNT=${BENCH_PING_COUNT:-50}
START_TIMEOUT=${BENCH_START_TIMEOUT:-300}
HERE=$(dirname "$0")
RR=$HERE/tcp-rr
OUT=/out
LOGS=$OUT/logs
W=/tmp/bench-net
ROOT=$W/runz-root
RUNC_ROOT=/run/runc-bench-net
BRIDGE=brbench
BRIDGE_IP=10.99.0.1
IPERF_PORT=5201
RR_PORT=5202
mkdir -p "$LOGS" "$W"
: >"$OUT/samples.tsv"

FAILED=0
failed() {
  echo "net: FAILED: $*"
  FAILED=1
}
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$OUT/samples.tsv"; }
ip_of() { case $1 in runz) echo 10.99.0.2 ;; runc) echo 10.99.0.3 ;; esac; }
netns_of() { echo "/run/netns/bench-$1"; }
veth_of() { echo "vb$1"; } # dom0's end of the runtime's veth, on the bridge
id_of() { echo "bench-net-$1"; }

# ---- the bundles: iperf3 with its shared libraries (as dom0 has them), tcp-rr, busybox -------------------------
LDSO=/lib64/ld-linux-x86-64.so.2
IPERF3=$(command -v iperf3) || { echo "net: no iperf3 in dom0 (conformance/image/build-image.sh puts it there)"; exit 1; }
command -v runc >/dev/null || { echo "net: no runc in dom0"; exit 1; }
# the loader's own list of what iperf3 loads (dom0 has no ldd): "name => /path (addr)" and "/path (addr)"
LIBS=$("$LDSO" --list "$IPERF3" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
[ -n "$LIBS" ] || { echo "net: $LDSO --list $IPERF3 named no libraries"; exit 1; }
make_bundle() { # make_bundle RUNTIME
  b=$W/bundle-$1 r=$W/bundle-$1/rootfs
  mkdir -p "$r/bin" "$r/usr/bin" "$r/proc" "$r/dev" "$r/sys" "$r/tmp" "$r/etc" || return 1
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox" && ln -s busybox "$r/bin/sh" && cp "$RR" "$r/bin/tcp-rr" &&
    cp "$IPERF3" "$r/usr/bin/iperf3" || return 1
  for l in $LIBS; do
    mkdir -p "$r$(dirname "$l")" && cp -L "$l" "$r$l" || return 1
  done
  cat >"$b/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
              "args": ["/bin/sh", "-c", "/bin/tcp-rr serve $RR_PORT & exec /usr/bin/iperf3 -s -p $IPERF_PORT"],
              "env": ["PATH=/usr/bin:/bin", "LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu", "TMPDIR=/tmp"],
              "cwd": "/"},
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "bench-$1",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                           {"type": "network", "path": "$(netns_of "$1")"}]}
}
JSON
}

# ---- the network: bridge, a named network namespace per runtime, a veth pair each ----------------------------
setup_network() {
  ip link add "$BRIDGE" type bridge && ip addr add "$BRIDGE_IP/24" dev "$BRIDGE" && ip link set "$BRIDGE" up ||
    { failed "bridge $BRIDGE"; return 1; }
  mkdir -p /run/netns
  for rt in runz runc; do
    ns=$(netns_of "$rt") v=$(veth_of "$rt")
    # busybox unshare -n FILE bind-mounts the new namespace on FILE (it must exist)
    touch "$ns" && unshare --net="$ns" true || { failed "network namespace $ns"; return 1; }
    # both ends are made in the namespace (busybox ip names the peer itself, veth0 in a fresh namespace);
    # the peer is renamed there and then moved to dom0's namespace (that of PID 1)
    nsenter --net="$ns" ip link add eth0 type veth || { failed "veth in $ns"; return 1; }
    peer=$(nsenter --net="$ns" ip -o link | awk -F': ' '$2 ~ /@eth0$/ {sub(/@.*/, "", $2); print $2}')
    [ -n "$peer" ] || { failed "no peer of eth0 in $ns: $(nsenter --net="$ns" ip -o link)"; return 1; }
    nsenter --net="$ns" ip link set "$peer" name "$v" && nsenter --net="$ns" ip link set "$v" netns 1 ||
      { failed "moving $peer to dom0 as $v"; return 1; }
    ip link set "$v" master "$BRIDGE" && ip link set "$v" up || { failed "$v on $BRIDGE"; return 1; }
    nsenter --net="$ns" sh -c "ip link set lo up && ip addr add $(ip_of "$rt")/24 dev eth0 && ip link set eth0 up &&
      ip route add default via $BRIDGE_IP" || { failed "addresses in $ns"; return 1; }
    log "$rt: $ns, eth0 $(ip_of "$rt")/24 ($(nsenter --net="$ns" ip -o link show eth0 | grep -o 'link/ether [0-9a-f:]*')), peer $v on $BRIDGE"
  done
}

# ---- the containers -------------------------------------------------------------------------------------------
# ready RUNTIME: the container answers ping, tcp-rr and a 2 s iperf3 run (untimed warm-up: ARP, caches)
rr_answers() { "$RR" client "$1" "$RR_PORT" 10 >/dev/null 2>&1; }
ready() {
  a=$(ip_of "$1")
  wait_for 120 ping -c 1 -W 2 "$a" || { failed "$1: $a does not answer ping"; return 1; }
  wait_for 60 rr_answers "$a" || { failed "$1: no tcp-rr echo on $a:$RR_PORT"; return 1; }
  k=0
  until timeout 60 iperf3 -c "$a" -p "$IPERF_PORT" -t 2 >"$LOGS/warmup-$1.iperf3" 2>&1; do
    k=$((k + 1))
    [ "$k" -lt 10 ] || { failed "$1: iperf3 -c $a never worked"; tail_file "$LOGS/warmup-$1.iperf3"; return 1; }
    sleep 2
  done
  "$RR" client "$a" "$RR_PORT" 100 >/dev/null 2>&1
  log "$1: $a ready (ping, tcp-rr, iperf3 warm-up: $(grep receiver "$LOGS/warmup-$1.iperf3" | tr -s ' '))"
}

# ---- one measurement round against one container ----------------------------------------------------------------
# iperf3_mbps FILE: the receiver's Mbit/s of an iperf3 -J report (end.sum_received), empty if it has none
iperf3_mbps() {
  awk '/"sum_received"/ {f = 1}
    f && /"bits_per_second"/ {v = $0; sub(/.*:[ \t]*/, "", v); sub(/,.*/, "", v); printf "%.1f\n", v / 1e6; exit}' "$1"
}
rr_value() { awk -v k="$2" '$1 == k {print $2; exit}' "$1"; }
measure() { # measure ITERATION RUNTIME
  tput_fwd="" tput_rev=""
  i=$1 rt=$2 a=$(ip_of "$2") r=$LOGS/$2-$1
  for dir in fwd rev; do
    flag=""
    [ "$dir" = rev ] && flag=-R
    timeout $((T + 90)) iperf3 -c "$a" -p "$IPERF_PORT" -t "$T" -O 1 -J --connect-timeout 10000 $flag \
      >"$r.iperf3-$dir.json" 2>"$r.iperf3-$dir.err"
    rc=$?
    mbps=$(iperf3_mbps "$r.iperf3-$dir.json")
    if [ "$rc" != 0 ] || [ -z "$mbps" ]; then
      failed "$rt iteration $i: iperf3 $dir (exit $rc)"
      grep '"error"' "$r.iperf3-$dir.json"; tail_file "$r.iperf3-$dir.err"
      return 1
    fi
    sample "$i" "$rt" "tput_${dir}_mbps" "$mbps"
    if [ "$dir" = fwd ]; then tput_fwd=$mbps; else tput_rev=$mbps; fi
  done
  if ! timeout 300 "$RR" client "$a" "$RR_PORT" "$RR_COUNT" >"$r.rr" 2>&1; then
    failed "$rt iteration $i: tcp-rr"
    tail_file "$r.rr"
    return 1
  fi
  sample "$i" "$rt" rr_median_us "$(rr_value "$r.rr" median_us)"
  sample "$i" "$rt" rr_p90_us "$(rr_value "$r.rr" p90_us)"
  ping -c "$PING_COUNT" -i 0.1 -W 10 "$a" >"$r.ping" 2>&1
  pmed=$(awk '/ time=/ {t = $0; sub(/.* time=/, "", t); sub(/ .*/, "", t); v[++n] = t * 1000}
    END {
      if (n == 0) exit
      for (x = 2; x <= n; x++) { y = v[x]; for (j = x - 1; j >= 1 && v[j] > y; j--) v[j + 1] = v[j]; v[j + 1] = y }
      printf "%.1f\n", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }' "$r.ping")
  if [ -z "$pmed" ]; then
    failed "$rt iteration $i: no ping replies"
    tail_file "$r.ping"
    return 1
  fi
  sample "$i" "$rt" ping_median_us "$pmed"
  log "$rt iteration $i: dom0->$rt $tput_fwd Mbit/s, $rt->dom0 $tput_rev Mbit/s, tcp rr median $(rr_value "$r.rr" median_us) us, ping median $pmed us"
}

# ---- clean-up and the leftovers check ------------------------------------------------------------------------
cleanup() {
  log "clean-up: runz and runc delete --force"
  delete_all
  for rt in runz runc; do
    ip link del "$(veth_of "$rt")" 2>/dev/null # and its peer with it
    ns=$(netns_of "$rt")
    [ -e "$ns" ] && { umount "$ns" 2>/dev/null; rm -f "$ns"; }
  done
  ip link del "$BRIDGE" 2>/dev/null
  log "clean-up: waiting for the domain, netback's interface and the backend nodes to go"
  wait_for 30 sh -c '[ -z "$(xl list 2>/dev/null | awk "NR>2")" ]'
  wait_for 30 sh -c '! ip -o link show | grep -q "vif[0-9]*\." && [ -z "$(xenstore-list /local/domain/0/backend/vif 2>/dev/null)" ]'
  left=$(leftovers iperf3 tcp-rr)
  v=$(vifs_left) # netback interfaces in dom0, /local/domain/0/backend/vif/<domid> nodes
  [ -z "$v" ] || left="$left vif:$v"
  # the directory node itself, with no domain under it, stays after the zone: said, not a failure
  xenstore-exists /local/domain/0/backend/vif 2>/dev/null &&
    log "note: /local/domain/0/backend/vif remains as an empty node (no vif of any domain under it)"
  for l in "$BRIDGE" "$(veth_of runz)" "$(veth_of runc)"; do ip link show "$l" >/dev/null 2>&1 && left="$left link:$l"; done
  for ns in "$(netns_of runz)" "$(netns_of runc)"; do [ -e "$ns" ] && left="$left netns:$ns"; done
  if [ -n "$left" ]; then
    echo "net: left behind:$left"
    ip -o link show
    FAILED=1
  else
    log "clean-up: nothing left (no domain, vif, backend node, process, state, link or namespace)"
  fi
}

run_all() {
  make_bundle runz && make_bundle runc || { failed "making the bundles"; return 1; }
  log "bundle: iperf3 $("$IPERF3" --version | head -n 1), libraries: $(echo $LIBS)"
  setup_network || return 1
  start_runc "$(id_of runc)" "$W/bundle-runc" || return 1
  start_runz "$(id_of runz)" "$W/bundle-runz" || return 1
  ready runc || return 1
  ready runz || return 1
  log "vif: $(nsenter --net="$(netns_of runz)" ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')"
  i=0
  while [ "$i" -lt "$N" ]; do
    i=$((i + 1))
    if [ $((i % 2)) = 1 ]; then order="runz runc"; else order="runc runz"; fi
    for rt in $order; do measure "$i" "$rt" || return 1; done
  done
}

trap cleanup EXIT
log "net: $N iterations, iperf3 -t $T, $RR_COUNT tcp round trips, $PING_COUNT pings; load $(cat /proc/loadavg)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
MEM="" VCPUS=""
run_all
# the zone's size, from its xenstore (before it goes)
read_zone_size "runz-$(id_of runz)"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
trap - EXIT
cleanup

# ---- summary: table, ratios, JSON ------------------------------------------------------------------------------
awk -F'\t' -v n="$N" -v failed="$FAILED" -v t="$T" -v rr_count="$RR_COUNT" -v ping_count="$PING_COUNT" \
  -v mem="$MEM" -v vcpus="$VCPUS" -v kver="$(cat "$ZONE_DIR/kernel.release" 2>/dev/null)" \
  -v iperf="$("$IPERF3" --version 2>/dev/null | head -n 1)" \
  -v load_start="$LOAD_START" -v load_end="$LOAD_END" \
  -v host_load_start="${BENCH_HOST_LOAD_START:-}" -v host_commit="${BENCH_HOST_COMMIT:-}" \
  -v host_date="${BENCH_HOST_DATE:-}" -v host_cpus="${BENCH_HOST_CPUS:-}" -v qemu="${BENCH_HOST_QEMU:-}" \
  -v json="$OUT/net.json" -f "$HERE/summary-lib.awk" -f "$HERE/summary.awk" "$OUT/samples.tsv" | tee "$OUT/table.txt"
exit "$FAILED"
