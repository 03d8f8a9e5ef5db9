#!/bin/sh
# The namespaces of the process that stands for the container on the host (issue "OCI conformance"): the
# state's pid, runz's monitor, is what hooks, `nsenter -t PID` and runtime-tools' checks look at. For the
# network, uts, ipc and cgroup entries of config.json it has a new namespace when the entry has no path and
# the named one when it has a path; its mount namespace stays dom0's (docs/ARCHITECTURE.md, "Namespaces").
# A second container naming the first's namespaces by path shares them; a path of the wrong type is refused.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root
B1=$RUNZ_TEST_TMP/b1
B2=$RUNZ_TEST_TMP/b2
busybox_bundle "$B1"
busybox_bundle "$B2"
config() {  # config NAMESPACES_JSON
  cat <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sleep", "600"], "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "hostname": "standin",
  "linux": {"namespaces": $1}
}
JSON
}
config '[{"type": "mount"}, {"type": "network"}, {"type": "uts"}, {"type": "ipc"}, {"type": "cgroup"}]' >"$B1/config.json"
pid_of() { runz --root "$ROOT" state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
ns() { readlink "/proc/$1/ns/$2"; }
trap 'runz --root "$ROOT" delete -f c2 >/dev/null 2>&1; runz --root "$ROOT" delete -f c1 >/dev/null 2>&1' EXIT

log "c1: new network, uts, ipc and cgroup namespaces, without paths"
runz --root "$ROOT" create -b "$B1" c1 </dev/null >/dev/null 2>&1 || { show_zone_log "$ROOT" c1; fail "create c1"; }
p1=$(pid_of c1)
for t in net uts ipc cgroup; do
  log "c1 $t: $(ns "$p1" $t) (dom0: $(ns $$ $t))"
  [ "$(ns "$p1" $t)" != "$(ns $$ $t)" ] || fail "c1's monitor (pid $p1) shares dom0's $t namespace"
done
[ "$(ns "$p1" mnt)" = "$(ns $$ mnt)" ] || fail "c1's monitor left dom0's mount namespace"

log "c2: the same namespaces by path (/proc/$p1/ns/*)"
config "[{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/proc/$p1/ns/net\"},
  {\"type\": \"uts\", \"path\": \"/proc/$p1/ns/uts\"}, {\"type\": \"ipc\", \"path\": \"/proc/$p1/ns/ipc\"},
  {\"type\": \"cgroup\", \"path\": \"/proc/$p1/ns/cgroup\"}]" >"$B2/config.json"
runz --root "$ROOT" create -b "$B2" c2 </dev/null >/dev/null 2>&1 || { show_zone_log "$ROOT" c2; fail "create c2"; }
p2=$(pid_of c2)
for t in net uts ipc cgroup; do
  [ "$(ns "$p2" $t)" = "$(ns "$p1" $t)" ] || fail "c2's $t namespace $(ns "$p2" $t) is not c1's $(ns "$p1" $t)"
done
runz --root "$ROOT" delete -f c2 || fail "delete c2"

log "a path of the wrong type is refused, naming it"
config "[{\"type\": \"cgroup\", \"path\": \"/proc/$p1/ns/ipc\"}]" >"$B2/config.json"
if runz --root "$ROOT" create -b "$B2" c3 </dev/null >/dev/null 2>"$RUNZ_TEST_TMP/err"; then
  runz --root "$ROOT" delete -f c3
  fail "an ipc namespace path given as cgroup was accepted"
fi
cat "$RUNZ_TEST_TMP/err"
grep -q "ns/ipc" "$RUNZ_TEST_TMP/err" || fail "the error does not name the path"
runz --root "$ROOT" delete -f c1 || fail "delete c1"
trap - EXIT
no_domains() { [ -z "$(other_domains)" ]; }
wait_for 60 no_domains || fail "domains left: $(other_domains)"
assert_clean "$ROOT"
exit 0
