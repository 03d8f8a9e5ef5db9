#!/bin/sh
# 20 networked container lifecycles leave dom0 as they found it (issue "Zones on the network", "Leaks"):
# `docker run --rm -p 8085:80 --runtime=runz` on the default bridge (each: a namespace runz makes, a veth
# libnetwork wires into it, the zone's NIC, its tc redirects, the published port's DNAT and proxy, create,
# start, delete). Each run's zone must show its 172.17.0.0/16 address; afterwards dom0's interfaces, qdiscs
# and filters, iptables rules, xenstore backend nodes and network namespaces are exactly as before.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/docker-lib.sh"
trap docker_cleanup EXIT
start_docker
build_docker_image
# one networked run first: what dockerd sets up once (docker0's addresses, its chains) is not a leak
docker_ run --rm --runtime=runz "$DOCKER_IMAGE" true || docker_fail "docker run (warm-up)"
dom0_net_state >"$RUNZ_TEST_TMP/before"

i=1
while [ "$i" -le 20 ]; do
  out=$(docker_ run --rm --runtime=runz -p 8085:80 "$DOCKER_IMAGE" ip -o addr show eth0 2>&1) ||
    { echo "$out"; docker_fail "cycle $i: docker run exited non-zero"; }
  echo "$out" | grep -q 'inet 172\.17\.' || { echo "$out"; docker_fail "cycle $i: no 172.17.0.0/16 address in the zone"; }
  log "cycle $i: $(echo "$out" | grep -o 'inet [0-9./]*')"
  i=$((i + 1))
done

wait_for 60 no_runz_domain || docker_fail "a domain is left after 20 cycles"
docker_assert_clean
dom0_net_state >"$RUNZ_TEST_TMP/after"
if ! cmp -s "$RUNZ_TEST_TMP/before" "$RUNZ_TEST_TMP/after"; then
  diff "$RUNZ_TEST_TMP/before" "$RUNZ_TEST_TMP/after"
  docker_fail "dom0's network state changed over 20 cycles (- before, + after)"
fi
log "dom0's network state after 20 cycles is as before ($(wc -l <"$RUNZ_TEST_TMP/after") lines compared)"
exit 0
