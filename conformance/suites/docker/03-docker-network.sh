#!/bin/sh
# Docker's default bridge network with runz (issue "Zones on the network"): libnetwork's prestart hook wires
# a veth into the network namespace runz made for the container, and the zone gets a NIC with the same MAC,
# MTU, address and default route. Checked as a user would: `ip addr` in the container shows eth0 with a
# 172.17.0.0/16 address; the container reaches the bridge's gateway; a published port (-p 8080:80) serves a
# page to dom0 at 127.0.0.1:8080 (Docker's userland proxy) and at the bridge's address (iptables DNAT);
# two containers reach each other by IP;
# `docker network connect` adds a NIC to the running zone (reached from another container on that
# network) and `docker network disconnect` takes it away; on that network a second zone resolves the name web
# to web's address there (`nslookup web`, through the zone's DNS relay to Docker's embedded DNS);
# `--network none` and `--network host` give only lo. After `docker rm`: no vif left in dom0 or xenstore.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/docker-lib.sh"
trap docker_cleanup EXIT
# zone_get IP: a shell command for the test image that prints the body of GET / from IP:80 (busybox nc; its
# wget needs NSS for the port, see http_body)
zone_get() { echo "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 $1 80 | sed '1,/^\\r*\$/d'"; }
start_docker
build_docker_image
ip -o link show docker0 || docker_fail "dockerd made no docker0 bridge"

log "docker run: eth0 in the zone with Docker's address"
docker_ run --rm --runtime=runz "$DOCKER_IMAGE" /bin/sh -c 'ip -o addr show; ip route' \
  >"$RUNZ_TEST_TMP/addr" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/addr"
[ "$rc" -eq 0 ] || docker_fail "docker run on the default bridge exited $rc"
grep -q 'eth0 *inet 172\.17\.' "$RUNZ_TEST_TMP/addr" || docker_fail "no 172.17.0.0/16 address on the zone's eth0"
grep -q '^default via 172\.17\.0\.1 dev eth0' "$RUNZ_TEST_TMP/addr" || docker_fail "no default route via the bridge"

log "the zone reaches the bridge's gateway"
docker_ run --rm --runtime=runz "$DOCKER_IMAGE" ping -c 2 -W 10 172.17.0.1 >"$RUNZ_TEST_TMP/ping" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/ping"
[ "$rc" -eq 0 ] || docker_fail "ping 172.17.0.1 from the zone exited $rc"

log "docker run -d -p 8080:80: dom0 fetches the zone's page"
docker_ run -d --runtime=runz --name web -p 8080:80 "$DOCKER_IMAGE" /bin/sh -c \
  'mkdir -p /www && echo hello-from-zone >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null ||
  docker_fail "docker run -d -p 8080:80"
web_ip=$(docker_ inspect -f '{{.NetworkSettings.IPAddress}}' web)
log "web: $web_ip"
page_is() { [ "$(http_body "$1" "$2")" = hello-from-zone ]; }
wait_for 60 page_is 127.0.0.1 8080 || docker_fail "no page on 127.0.0.1:8080 (got '$(http_body 127.0.0.1 8080)')"
page_is "$web_ip" 80 || docker_fail "no page on $web_ip:80 from dom0"
iptables -t nat -S DOCKER | grep -- "--to-destination $web_ip:80" || docker_fail "no DNAT rule to $web_ip:80 in the DOCKER chain"
page_is 172.17.0.1 8080 || docker_fail "no page on 172.17.0.1:8080 (iptables DNAT; got '$(http_body 172.17.0.1 8080)')"

log "a second zone reaches the first by IP"
docker_ run --rm --runtime=runz "$DOCKER_IMAGE" sh -c "$(zone_get "$web_ip")" >"$RUNZ_TEST_TMP/peer" 2>&1
cat "$RUNZ_TEST_TMP/peer"
grep -qx hello-from-zone "$RUNZ_TEST_TMP/peer" || docker_fail "a second container could not fetch from $web_ip"
log "docker network connect / disconnect: a NIC hot-plugged into the running zone and withdrawn"
docker_ network create --subnet 10.77.0.0/24 n1 >/dev/null || docker_fail "docker network create n1"
docker_ network connect n1 web || docker_fail "docker network connect n1 web"
n1_ip=$(docker_ inspect -f '{{(index .NetworkSettings.Networks "n1").IPAddress}}' web)
log "web on n1: $n1_ip"
zone_has() { docker_ exec web ip -o addr show 2>/dev/null | grep -q "inet $1/"; }
wait_for 60 zone_has "$n1_ip" || { docker_ exec web ip -o addr show; docker_fail "the zone did not get $n1_ip"; }
docker_ run --rm --runtime=runz --network n1 "$DOCKER_IMAGE" sh -c "$(zone_get "$n1_ip")" >"$RUNZ_TEST_TMP/n1" 2>&1
cat "$RUNZ_TEST_TMP/n1"
grep -qx hello-from-zone "$RUNZ_TEST_TMP/n1" || docker_fail "a container on n1 could not fetch from $n1_ip"
# Docker's embedded DNS answers at 127.0.0.11:53 inside the container's namespace on the host. In the zone that
# address is the zone's own loopback: the agent listens there and relays each query over the agent channel to
# the monitor, which stands in the container's namespace and asks the embedded DNS (docs/ARCHITECTURE.md,
# "Network": the DNS relay). So a second container on n1 resolves web to web's address on n1.
n1_ip_re=$(printf '%s' "$n1_ip" | sed 's/\./\\./g')
docker_ run --rm --runtime=runz --network n1 "$DOCKER_IMAGE" sh -c 'cat /etc/resolv.conf; nslookup web' \
  >"$RUNZ_TEST_TMP/dns" 2>&1
cat "$RUNZ_TEST_TMP/dns"
grep -q '^nameserver 127\.0\.0\.11' "$RUNZ_TEST_TMP/dns" || docker_fail "n1's resolv.conf does not name Docker's embedded DNS"
# busybox's nslookup: "Address:<tab>127.0.0.11:53" for the server, then "Address: <ip>" per answer
if ! grep -Eq "^Address:[[:space:]]*$n1_ip_re\$" "$RUNZ_TEST_TMP/dns"; then
  # libnetwork serves 127.0.0.11 only once it set its iptables redirect in the namespace (dom0 needs iptables)
  grep -E 'Resolver (Setup|Start) failed' "$DOCKER_LOG" &&
    docker_fail "Docker's embedded DNS did not start on the host side (dockerd's log above): nothing answers at 127.0.0.11 in the container's namespace"
  docker_fail "nslookup web in a zone on n1 did not give web's address $n1_ip"
fi
docker_ network disconnect n1 web || docker_fail "docker network disconnect n1 web"
wait_for 60 sh -c "! docker -H unix://$DOCKER_SOCK exec web ip -o addr show | grep -q 'inet $n1_ip/'" ||
  docker_fail "the zone still has $n1_ip after disconnect"
docker_ exec web ip -o link show
docker_ rm -f web >/dev/null || docker_fail "docker rm -f web"
! iptables -t nat -S DOCKER | grep -q -- "--to-destination $web_ip:80" || docker_fail "the DNAT rule to $web_ip:80 is left"
docker_ network rm n1 >/dev/null || docker_fail "docker network rm n1"

log "--network none and --network host: only lo"
for net in none host; do
  docker_ run --rm --runtime=runz --network "$net" "$DOCKER_IMAGE" ip -o link show >"$RUNZ_TEST_TMP/links" 2>&1 ||
    { cat "$RUNZ_TEST_TMP/links"; docker_fail "docker run --network $net"; }
  cat "$RUNZ_TEST_TMP/links"
  [ "$(grep -c . "$RUNZ_TEST_TMP/links")" -eq 1 ] && grep -q ': lo:' "$RUNZ_TEST_TMP/links" ||
    docker_fail "--network $net: want only lo in the zone"
done

wait_for 60 no_runz_domain || docker_fail "a domain is left"
docker_assert_clean
exit 0
