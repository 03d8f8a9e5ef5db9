#!/bin/sh
# The container's PID namespace inside the zone, compared with runc's in dom0 (issue "OCI conformance"): a
# config with a pid namespace of its own makes the container's process PID 1 there, and what the container
# sees (`ps`, /proc) is its own processes only, not the zone kernel's threads; an exec joins that namespace
# and sees the container's process as PID 1. A config without a pid namespace shares the runtime's: dom0's
# under runc, the zone's (the agent's) under runz, whose kernel threads it then sees, as a runc container
# sees dom0's. The same configs run under both runtimes and what each container reports must be the same.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
ROOT=$RUNZ_TEST_TMP/root
B=$RUNZ_TEST_TMP/bundle
busybox_bundle "$B"
config() {  # config NAMESPACES_JSON
  cat <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["sleep", "6001"], "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
  "linux": {"namespaces": $1}
}
JSON
}
# what an exec reports: whether it is PID 1, whether PID 1 is the container's process (sleep 6001: no other
# process in dom0 runs it), whether kthreadd (the kernel's thread parent)
# is in its /proc, and ps's view of the sleep
report='echo exec-is-pid1=$([ $$ = 1 ] && echo yes || echo no)
echo pid1-is-the-container=$([ "$(tr "\0" " " </proc/1/cmdline)" = "sleep 6001 " ] && echo yes || echo no)
echo kthreadd-visible=$(grep -lx kthreadd /proc/[0-9]*/comm 2>/dev/null | wc -l | sed "s/^[1-9][0-9]*$/yes/; s/^0$/no/")
echo ps-sleep=$(ps -o pid,args | awk "\$2 == \"sleep\" && \$3 == 6001 {print (\$1 == 1 ? \"pid1\" : \"not-pid1\")}")'

# views RUNTIME ROOT: per config (own pid namespace, none), what an exec in the running container reports
views() {
  _rt=$1 _root=$2
  for _case in own shared; do
    if [ "$_case" = own ]; then
      config '[{"type": "mount"}, {"type": "pid"}]' >"$B/config.json"
    else
      config '[{"type": "mount"}]' >"$B/config.json"
    fi
    "$_rt" --root "$_root" create -b "$B" c1 </dev/null >/dev/null 2>"$RUNZ_TEST_TMP/err" ||
      { cat "$RUNZ_TEST_TMP/err" >&2; show_zone_log "$_root" c1 >&2; fail "$_rt create ($_case)" >&2; }
    "$_rt" --root "$_root" start c1 || fail "$_rt start ($_case)"
    "$_rt" --root "$_root" exec c1 sh -c "$report" | sed "s/^/$_case: /" || fail "$_rt exec ($_case)"
    "$_rt" --root "$_root" delete -f c1 >/dev/null 2>&1 || fail "$_rt delete -f ($_case)"
  done
}
trap 'runz --root "$ROOT" delete -f c1 >/dev/null 2>&1; runc --root "$RUNZ_TEST_TMP/runc" delete -f c1 >/dev/null 2>&1' EXIT

log "runc"
views runc "$RUNZ_TEST_TMP/runc" >"$RUNZ_TEST_TMP/runc.txt" || fail "runc: see above"
cat "$RUNZ_TEST_TMP/runc.txt"
log "runz"
views runz "$ROOT" >"$RUNZ_TEST_TMP/runz.txt" || fail "runz: see above"
cat "$RUNZ_TEST_TMP/runz.txt"
grep -qx "own: pid1-is-the-container=yes" "$RUNZ_TEST_TMP/runc.txt" || fail "runc's own view is not as expected: the test is wrong"
diff "$RUNZ_TEST_TMP/runc.txt" "$RUNZ_TEST_TMP/runz.txt" || fail "what a runz container sees of its PIDs differs from runc's"
trap - EXIT
assert_clean "$ROOT"
exit 0
