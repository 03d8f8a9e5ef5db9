#!/bin/sh
# Kubernetes pods on a CNI network with runz (issue "Zones on the network"): containerd's CRI plugin makes
# each pod's network namespace with the CNI bridge plugin (cni0, $CNI_SUBNET, host-local IPAM); the pod's
# zone gets a NIC with the pod's address. Checked as the kubelet and the pods would: dom0 fetches an HTTP
# page from each pod's IP (a probe), pod A fetches pod B's page, pod A reaches dom0 through the bridge, pod
# B's hostPort (CNI portmap's DNAT) serves dom0; a pod's second container shares its zone and so its network.
# Afterwards no NIC, vif node, netns or DNAT rule is left. ($CNI_SUBNET: cri-lib.sh)
# timeout: 1200
. "$RUNZ_TESTLIB"
CD_CNI=1
. "$RUNZ_TEST_DIR/cri-lib.sh"
trap cleanup_cri EXIT
netns_before=$(ls /var/run/netns 2>/dev/null | tr '\n' ' ')
start_cri

# pod_json NAME [HOSTPORT]: a pod on the CNI network (namespace_options.network POD = 0, the default),
# with HOSTPORT published to its port 80
pod_json() {
  _ports=
  [ -n "${2:-}" ] && _ports=", \"port_mappings\": [{\"protocol\": \"TCP\", \"container_port\": 80, \"host_port\": $2}]"
  cat >"$RUNZ_TEST_TMP/$1.json" <<JSON
{"metadata": {"name": "$1", "namespace": "default", "uid": "$1-uid", "attempt": 1},
 "log_directory": "$RUNZ_TEST_TMP/$1-logs"$_ports}
JSON
}
# web_json NAME WORD: a container serving WORD over HTTP on port 80
web_json() {
  cat >"$RUNZ_TEST_TMP/$1.json" <<JSON
{"metadata": {"name": "$1"}, "image": {"image": "$IMAGE"},
 "command": ["/bin/sh", "-c", "mkdir -p /www && echo $2 >/www/index.html && exec httpd -f -p 80 -h /www"],
 "log_path": "$1.log"}
JSON
}
pod_ip() { cri inspectp "$1" | sed -n 's/.*"ip": *"\([0-9.]*\)".*/\1/p' | head -n 1; }

# run_pod NAME WORD [HOSTPORT]: a pod with one web container; prints "POD CONTAINER"
run_pod() {
  pod_json "$1" "${3:-}"
  web_json "$1-web" "$2"
  _pod=$(cri runp --runtime runz "$RUNZ_TEST_TMP/$1.json") || shim_fail "RunPodSandbox $1 failed"
  _c=$(cri create "$_pod" "$RUNZ_TEST_TMP/$1-web.json" "$RUNZ_TEST_TMP/$1.json") || shim_fail "CreateContainer in $1 failed"
  cri start "$_c" || shim_fail "StartContainer in $1 failed"
  echo "$_pod $_c"
}

log "two pods on the CNI bridge"
set -- $(run_pod pa page-a)
pa=$1 ca=$2
set -- $(run_pod pb page-b 8090)
pb=$1 cb=$2
ipa=$(pod_ip "$pa")
ipb=$(pod_ip "$pb")
log "pod a: $ipa, pod b: $ipb"
case $ipa in "${CNI_GATEWAY%.*.*}".*) ;; *) shim_fail "pod a has no $CNI_SUBNET address: '$ipa'" ;; esac
case $ipb in "${CNI_GATEWAY%.*.*}".*) ;; *) shim_fail "pod b has no $CNI_SUBNET address: '$ipb'" ;; esac
out=$(cri exec "$ca" -- ip -o addr show eth0) || shim_fail "ExecSync ip addr in pod a"
echo "$out"
echo "$out" | grep -q "inet $ipa/" || shim_fail "pod a's zone does not have $ipa on eth0"

log "dom0 fetches each pod's page (as the kubelet's HTTP probe would)"
page_is() { [ "$(http_body "$1" 80)" = "$2" ]; }
wait_for 60 page_is "$ipa" page-a || shim_fail "no page-a from http://$ipa/ (got '$(http_body "$ipa" 80)')"
page_is "$ipb" page-b || shim_fail "no page-b from http://$ipb/"

log "pod a fetches pod b's page; pod a reaches dom0"
out=$(cri exec "$ca" -- sh -c "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 $ipb 80 | sed '1,/^\\r*\$/d'") ||
  shim_fail "pod a could not fetch from pod b ($ipb)"
[ "$out" = page-b ] || shim_fail "pod a got '$out' from pod b"
cri exec "$ca" -- ping -c 1 -W 10 "$CNI_GATEWAY" || shim_fail "pod a cannot reach dom0's cni0 ($CNI_GATEWAY)"

log "pod b's hostPort 8090 (CNI portmap): dom0 fetches page-b"
iptables -t nat -S | grep -- "--to-destination $ipb:80" || { iptables -t nat -S; shim_fail "no DNAT rule to $ipb:80 for pod b's hostPort"; }
page_is_at() { [ "$(http_body "$1" "$2")" = "$3" ]; }
wait_for 30 page_is_at "$CNI_GATEWAY" 8090 page-b || shim_fail "no page-b from $CNI_GATEWAY:8090 (got '$(http_body "$CNI_GATEWAY" 8090)')"
page_is_at 127.0.0.1 8090 page-b || shim_fail "no page-b from 127.0.0.1:8090 (got '$(http_body 127.0.0.1 8090)')"

log "a second container of pod b shares its zone's network"
# (not a second web server: it shares the zone's network stack, port 80 is taken)
cat >"$RUNZ_TEST_TMP/pb-second.json" <<JSON
{"metadata": {"name": "pb-second"}, "image": {"image": "$IMAGE"},
 "command": ["/bin/sleep", "100000"], "log_path": "pb-second.log"}
JSON
c2=$(cri create "$pb" "$RUNZ_TEST_TMP/pb-second.json" "$RUNZ_TEST_TMP/pb.json") || shim_fail "CreateContainer pb-second"
cri start "$c2" || shim_fail "StartContainer pb-second"
out=$(cri exec "$c2" -- ip -o addr show eth0) || shim_fail "ExecSync in pb-second"
echo "$out" | grep -q "inet $ipb/" || shim_fail "pod b's second container does not see $ipb"

log "remove everything"
for c in "$ca" "$cb" "$c2"; do
  cri stop --timeout 10 "$c" >/dev/null || shim_fail "StopContainer $c"
  cri rm "$c" >/dev/null || shim_fail "RemoveContainer $c"
done
for p in "$pa" "$pb"; do
  cri stopp "$p" >/dev/null || shim_fail "StopPodSandbox $p"
  cri rmp "$p" >/dev/null || shim_fail "RemovePodSandbox $p"
done
wait_for 60 no_shim || shim_fail "shim still running after the pods were removed"
assert_clean
netns_after=$(ls /var/run/netns 2>/dev/null | tr '\n' ' ')
[ "$netns_after" = "$netns_before" ] || shim_fail "network namespaces left: before '$netns_before', after '$netns_after'"
! iptables -t nat -S | grep -q -- "--to-destination $ipb:80" || shim_fail "pod b's DNAT rule is left"
exit 0
