# testlib.sh: helpers for conformance tests (sourced: . "$RUNZ_TESTLIB"). Runs in dom0, busybox sh.
# In every test: $RUNZ_TEST_NAME (suite/name), $RUNZ_TEST_TMP (an empty scratch dir, also the cwd),
# $RUNZ_TEST_DIR (the suite's directory: put fixtures next to the tests).
ZONE_DIR=${ZONE_DIR:-/usr/lib/runz/zone}

log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# wait_for SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds; 1 if it has not within SECONDS
# (wall time from /proc/uptime: a slow COMMAND, such as a connect that waits out its own timeout, does not
# stretch the wait)
wait_for() {
  _wf_end=$(($(cut -d. -f1 /proc/uptime) + $1))
  shift
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ "$(cut -d. -f1 /proc/uptime)" -lt "$_wf_end" ] || return 1
    sleep 0.2
  done
}

# domains other than dom0, one name a line (xl as an independent witness)
other_domains() { xl list 2>/dev/null | awk 'NR>2 {print $1}'; }
# domain ids that xenstore knows under /local/domain, one a line
xenstore_domids() { xenstore-list /local/domain 2>/dev/null; }
# http_body HOST PORT: the body of GET / from HOST:PORT, through busybox nc: the static busybox's wget looks the
# port up with getservbyname, which crashes without NSS in dom0 and in the test images. nc's -w bounds only the
# connect: a socket that accepts and never answers (a port that Podman holds) would keep it forever
http_body() {
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" | timeout 15 nc -w 10 "$1" "$2" 2>/dev/null | sed '1,/^\r*$/d'
}
# pids_named NAME: pids of processes whose comm is NAME (dom0's busybox has no pgrep)
pids_named() {
  for _d in /proc/[0-9]*; do
    [ "$(cat "$_d/comm" 2>/dev/null)" = "$1" ] && echo "${_d#/proc/}"
  done
  return 0
}
# pids_matching ERE: pids whose command line matches (dom0 has no pgrep); never this shell or its children
pids_matching() {
  for _p in /proc/[0-9]*; do
    _pid=${_p#/proc/}
    [ "$_pid" = "$$" ] && continue
    _cmd=$({ tr '\0' ' ' <"$_p/cmdline"; } 2>/dev/null) || continue  # (a process may be gone by now)
    echo "$_cmd" | grep -Eq "$1" && ! echo "$_cmd" | grep -q 'pids_matching' && echo "$_pid"
  done
  return 0
}
# vifs_left: zone NICs left behind: netback interfaces in dom0's namespace, vif backends in xenstore
vifs_left() {
  { ip -o link show 2>/dev/null | grep -o 'vif[0-9]*\.[0-9]*'; xenstore-list /local/domain/0/backend/vif 2>/dev/null; } |
    tr '\n' ' ' | sed 's/ *$//'
}

# dom0_net_state: what zone networking could leave behind in dom0, a sorted line each: interfaces (names),
# qdiscs and filters, iptables rules (counters dropped), xenstore's backend nodes, network namespaces held
# by a process or a bind mount. Two calls around a workload compare equal when it leaked none of them.
dom0_net_state() {
  {
    ip -o link show | sed 's/^[0-9]*: \([^:@]*\).*/link \1/'
    tc qdisc show | sed 's/^/qdisc /'
    for _l in $(ip -o link show | sed 's/^[0-9]*: \([^:@]*\).*/\1/'); do
      tc filter show dev "$_l" ingress 2>/dev/null | sed "s/^/filter $_l /"
    done
    iptables-save 2>/dev/null | sed -e '/^#/d' -e 's/\[[0-9]*:[0-9]*\]//' -e 's/^/iptables /'
    xenstore-ls -f /local/domain/0/backend 2>/dev/null | sed -e 's/ = .*//' -e 's/^/xenstore /'
    for _n in /proc/[0-9]*/ns/net; do readlink "$_n" 2>/dev/null; done | sed 's/^/netns /'
    awk '$9 == "nsfs" {print "nsfs-mount " $5}' /proc/self/mountinfo
  } | sort -u
}

# make_marker_initrd OUT MARKER: a busybox initramfs whose /init prints MARKER (and the zone's uptime) on
# hvc0, then powers the zone off
make_marker_initrd() {
  _mi=$RUNZ_TEST_TMP/marker-initrd.$$
  rm -rf "$_mi"
  mkdir -p "$_mi/bin" "$_mi/dev" "$_mi/proc"
  cp /bin/busybox "$_mi/bin/busybox"
  cat >"$_mi/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t proc proc /proc
echo "$2 uptime=\$(/bin/busybox cut -d' ' -f1 /proc/uptime) kernel=\$(/bin/busybox uname -r)" >/dev/hvc0
/bin/busybox poweroff -f
INIT
  chmod 0755 "$_mi/init"
  (cd "$_mi" && find . | cpio -o -H newc 2>/dev/null) >"$1" || return 1
  rm -rf "$_mi"
}

# domain_state NAME: the state column of xl list (r b p s c d flags), empty if absent
domain_state() { xl list 2>/dev/null | awk -v n="$1" '$1 == n {print $5}'; }
