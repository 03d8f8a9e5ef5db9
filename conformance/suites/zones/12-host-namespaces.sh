#!/bin/sh
# The namespaces of the process that stands for the container on the host, compared with runc's (issue "OCI
# conformance"): the state's pid (runz's monitor, runc's container process) is what hooks, `nsenter -t PID`
# and runtime-tools' checks look at. The same configs run under runc and under runz in this dom0: c1 asks
# for network, uts, ipc and cgroup namespaces without paths (each must differ from dom0's), c2 names c1's by
# path (each must be c1's); a path of the wrong type is refused. The mount namespace is the one inherent
# difference: runz's monitor stays in dom0's, where the 9pfs backends it starts see the host paths they
# serve; the container's own is in the zone (docs/ARCHITECTURE.md, "Namespaces").
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
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "linux": {"namespaces": $1}
}
JSON
}
config_by_path() {  # config_by_path PID: network, uts, ipc, cgroup of PID by path
  config "[{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/proc/$1/ns/net\"},
    {\"type\": \"uts\", \"path\": \"/proc/$1/ns/uts\"}, {\"type\": \"ipc\", \"path\": \"/proc/$1/ns/ipc\"},
    {\"type\": \"cgroup\", \"path\": \"/proc/$1/ns/cgroup\"}]"
}
ns() { readlink "/proc/$1/ns/$2"; }

# relations RUNTIME ROOT: creates c1 and c2 with RUNTIME and prints, per namespace type, how c1's stands to
# dom0's and c2's to c1's ("c1 net new", "c2 net c1", ...); deletes both
relations() {
  _rt=$1 _root=$2
  config '[{"type": "mount"}, {"type": "network"}, {"type": "uts"}, {"type": "ipc"}, {"type": "cgroup"}]' >"$B1/config.json"
  "$_rt" --root "$_root" create -b "$B1" c1 </dev/null >/dev/null 2>"$RUNZ_TEST_TMP/err" ||
    { cat "$RUNZ_TEST_TMP/err" >&2; show_zone_log "$_root" c1 >&2; fail "$_rt create c1" >&2; }
  _p1=$("$_rt" --root "$_root" state c1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
  config_by_path "$_p1" >"$B2/config.json"
  "$_rt" --root "$_root" create -b "$B2" c2 </dev/null >/dev/null 2>"$RUNZ_TEST_TMP/err" ||
    { cat "$RUNZ_TEST_TMP/err" >&2; show_zone_log "$_root" c2 >&2; fail "$_rt create c2" >&2; }
  _p2=$("$_rt" --root "$_root" state c2 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
  for _t in net uts ipc cgroup; do
    if [ "$(ns "$_p1" $_t)" = "$(ns $$ $_t)" ]; then echo "c1 $_t dom0's"; else echo "c1 $_t new"; fi
    if [ "$(ns "$_p2" $_t)" = "$(ns "$_p1" $_t)" ]; then echo "c2 $_t c1's"; else echo "c2 $_t other"; fi
  done
  "$_rt" --root "$_root" delete -f c2 >/dev/null 2>&1
  "$_rt" --root "$_root" delete -f c1 >/dev/null 2>&1
}
trap 'runz --root "$ROOT" delete -f c2 >/dev/null 2>&1; runz --root "$ROOT" delete -f c1 >/dev/null 2>&1;
  runc --root "$RUNZ_TEST_TMP/runc" delete -f c2 >/dev/null 2>&1; runc --root "$RUNZ_TEST_TMP/runc" delete -f c1 >/dev/null 2>&1' EXIT

log "runc"
relations runc "$RUNZ_TEST_TMP/runc" >"$RUNZ_TEST_TMP/runc.txt" || fail "runc: see above"
cat "$RUNZ_TEST_TMP/runc.txt"
log "runz"
relations runz "$ROOT" >"$RUNZ_TEST_TMP/runz.txt" || fail "runz: see above"
cat "$RUNZ_TEST_TMP/runz.txt"
grep -q "c1 net new" "$RUNZ_TEST_TMP/runc.txt" || fail "runc's own relations are not as expected: the test is wrong"
diff "$RUNZ_TEST_TMP/runc.txt" "$RUNZ_TEST_TMP/runz.txt" || fail "runz's host-side namespaces differ from runc's"

log "a path of the wrong type is refused, naming it"
config '[{"type": "mount"}, {"type": "uts"}]' >"$B1/config.json"
runz --root "$ROOT" create -b "$B1" c1 </dev/null >/dev/null 2>&1 || fail "create c1"
p1=$(runz --root "$ROOT" state c1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
[ "$(ns "$p1" mnt)" = "$(ns $$ mnt)" ] || fail "runz's monitor left dom0's mount namespace"
config "[{\"type\": \"uts\"}, {\"type\": \"cgroup\", \"path\": \"/proc/$p1/ns/ipc\"}]" >"$B2/config.json"
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
