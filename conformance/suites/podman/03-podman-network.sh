#!/bin/sh
# Podman's default network with runz (issue "Zones on the network"): podman makes the container's network
# namespace under /run/netns and its CNI plugins (bridge, portmap, firewall, tuning) wire a veth into it;
# runz gets the namespace as config.json's network path and the zone gets a NIC with the same address. As a
# user checks it: `ip addr` in the container shows eth0 with a 10.88.0.0/16 address and a default route; a
# published port (`-p 8081:80`, CNI portmap's iptables DNAT) serves a page to dom0 at the bridge's address
# 10.88.0.1:8081 and at 127.0.0.1:8081 (CNI portmap's localhost DNAT); after `podman rm` no vif, netns or DNAT
# rule is left. 127.0.0.1 is tried only once the zone serves: Podman holds the port open, and a connection
# there before the DNAT reaches a live zone waits out nc's timeout.
# timeout: 900
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/podman-lib.sh"
trap podman_cleanup EXIT
start_podman
build_podman_image

log "podman run: eth0 in the zone with podman's address"
podman_ run --rm --runtime /usr/bin/runz "$PODMAN_IMAGE" /bin/sh -c 'ip -o addr show; ip route' \
  >"$RUNZ_TEST_TMP/addr" 2>&1
rc=$?
cat "$RUNZ_TEST_TMP/addr"
[ "$rc" -eq 0 ] || podman_fail "podman run on the default network exited $rc"
grep -q 'eth0 *inet 10\.88\.' "$RUNZ_TEST_TMP/addr" || podman_fail "no 10.88.0.0/16 address on the zone's eth0"
grep -q '^default via 10\.88\.0\.1 dev eth0' "$RUNZ_TEST_TMP/addr" || podman_fail "no default route via the bridge"

log "podman run -d -p 8081:80: dom0 fetches the zone's page"
podman_ run -d --runtime /usr/bin/runz --name web -p 8081:80 "$PODMAN_IMAGE" /bin/sh -c \
  'mkdir -p /www && echo hello-from-podman-zone >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null ||
  podman_fail "podman run -d -p 8081:80"
web_ip=$(podman_ inspect -f '{{.NetworkSettings.IPAddress}}' web)
log "web: $web_ip"
iptables -t nat -S | grep -- "--to-destination $web_ip:80" || podman_fail "no DNAT rule to $web_ip:80 for the published port"
page_is() { [ "$(http_body "$1" "$2")" = hello-from-podman-zone ]; }
wait_for 60 page_is "$web_ip" 80 || podman_fail "no page on $web_ip:80 from dom0 (got '$(http_body "$web_ip" 80)')"
page_is 10.88.0.1 8081 || podman_fail "no page on 10.88.0.1:8081 (the bridge's address; got '$(http_body 10.88.0.1 8081)')"
page_is 127.0.0.1 8081 || podman_fail "no page on 127.0.0.1:8081 (got '$(http_body 127.0.0.1 8081)')"
podman_ rm -f -t 0 web >/dev/null || podman_fail "podman rm -f web"

wait_for 60 no_runz_domain || podman_fail "a domain is left after podman rm"
podman_assert_clean
[ -z "$(vifs_left)" ] || podman_fail "zone NICs left: $(vifs_left)"
[ -z "$(ls /run/netns 2>/dev/null)" ] || podman_fail "network namespaces left in /run/netns: $(ls /run/netns)"
! iptables -t nat -S | grep -q -- "--to-destination $web_ip:80" || podman_fail "the DNAT rule to $web_ip:80 is left"
exit 0
