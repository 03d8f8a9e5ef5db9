#!/bin/sh
# The "try it" demo (scripts/try.sh), run inside dom0 of the emulated Xen host (busybox sh).
# Three clients start a container, each in a Xen PV zone of its own, and print what the container saw:
#   1. `runz run` of a busybox bundle (the runc-compatible CLI)
#   2. `docker run --rm --runtime=runz` (dockerd -> containerd -> runc shim -> runz)
#   3. `ctr run --runtime io.containerd.runz.v2` (containerd's shim v2: containerd-shim-runz-v2)
# then a one-screen summary with each step's time. `demo.sh --shell` only prepares containerd, dockerd and
# the images, prints what to type, and returns (try.sh --shell then leaves the user in dom0's shell).
# Exit status: 0 when every step printed its container's output and left no domain behind.
MODE=${1:-demo}
export RUNZ_TESTLIB=/payload/testlib.sh RUNZ_TEST_NAME=demo
export RUNZ_TEST_TMP=/tmp/demo RUNZ_TEST_DIR=/payload/suites/docker
mkdir -p "$RUNZ_TEST_TMP"
cd "$RUNZ_TEST_TMP" || exit 1
. "$RUNZ_TESTLIB"
. /payload/suites/zones/zonelib.sh
. /payload/suites/docker/docker-lib.sh # also shim-lib.sh: containerd, images

up() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$(up)" 'BEGIN{printf "%.1f", b-a}'; }
SUMMARY=$RUNZ_TEST_TMP/summary
: >"$SUMMARY"
FAILED=0
# step NAME RC SECONDS [OUTPUT-FILE]: a summary line (and the container's output under it)
step() {
  if [ "$2" = 0 ]; then st=ok; else st="FAILED ($2)"; FAILED=1; fi
  printf '  %-52s %-10s %6s s\n' "$1" "$st" "$3" >>"$SUMMARY"
  [ -z "${4:-}" ] || sed 's/^/      /' "$4" >>"$SUMMARY"
  echo "== [$3 s] $1: $st"
}
runz_domains_now() { xl list 2>/dev/null | awk 'NR>2 && $1 ~ /^runz-/ {print $1}'; }
# what a container prints to show where it runs: its kernel, its uptime (the zone booted seconds ago)
# and its memory (the zone's, not dom0's)
SHOW='echo "hello from a zone: kernel $(uname -r) up $(cut -d" " -f1 /proc/uptime) s, $(grep MemTotal /proc/meminfo | tr -s " "), hostname $(hostname)"'

T0=$(up)
echo "== dom0: $(uname -sr), up $(up) s, Xen $(xl info | awk '/^xen_version/ {print $3}'), $(grep MemTotal /proc/meminfo | tr -s ' ')"
echo "== runz $(runz --version | head -n 1 | awk '{print $3}') in dom0: $(command -v runz), zone kernel $(cat /usr/lib/runz/zone/kernel.release 2>/dev/null)"

# --- 1. runz run
B=$RUNZ_TEST_TMP/bundle
ROOT=/run/runz-demo
busybox_bundle "$B"
cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"user": {"uid": 0, "gid": 0}, "cwd": "/", "env": ["PATH=/bin"],
              "args": ["sh", "-c", $(printf '%s; sleep 3' "$SHOW" | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/')]},
  "root": {"path": "rootfs"},
  "hostname": "runz-demo",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]
}
JSON
# containerd and dockerd, and the busybox image loaded into both, in the background (in the demo beside step 1:
# dom0 has two CPUs, the daemons start while the first zone boots); prepare_wait collects it. The daemons'
# pids come back through a file for docker_cleanup.
prepare_in_background() {
  (
    t=$(up)
    start_docker && build_docker_image && build_image
    rc=$?
    echo "DOCKERD_PID=$DOCKERD_PID CD_PID=$CD_PID PREP_RC=$rc PREP_SECS=$(secs "$t")" >"$RUNZ_TEST_TMP/prep.env"
  ) >"$RUNZ_TEST_TMP/clients.log" 2>&1 &
  PREP_PID=$!
}
prepare_wait() {
  wait "$PREP_PID"
  PREP_RC=1 PREP_SECS=0
  [ -f "$RUNZ_TEST_TMP/prep.env" ] && . "$RUNZ_TEST_TMP/prep.env"
  [ "$PREP_RC" = 0 ] || tail -n 20 "$RUNZ_TEST_TMP/clients.log"
  step "start containerd + dockerd, load the busybox image$1" "$PREP_RC" "$PREP_SECS"
}

if [ "$MODE" = --shell ]; then
  prepare_in_background
  prepare_wait ""
  cat <<EOF

== dom0 of the emulated Xen host: runz, docker, podman and ctr are ready. Try:
   cd $B && runz run demo1              # a busybox bundle in a zone of its own (xl list shows runz-demo1)
   docker -H unix://$DOCKER_SOCK run --rm --runtime=runz $DOCKER_IMAGE uname -a
   ctr --address $SOCK run --rm --runtime io.containerd.runz.v2 $IMAGE c1 uname -a
   podman --runtime /usr/bin/runz load -i $RUNZ_TEST_TMP/docker-image.tar   # then podman --runtime /usr/bin/runz run ...
   xl list; runz list                   # the zones, as Xen and runz see them
   poweroff -f                          # leave (or Ctrl-A X)
EOF
  exit 0
fi

prepare_in_background
echo
echo "== 1. runz run: a busybox bundle in a zone of its own"
t=$(up)
(cd "$B" && runz --root "$ROOT" run demo1) >"$RUNZ_TEST_TMP/runz.out" 2>&1 &
runpid=$!
seen=""
for _ in $(seq 1 600); do
  seen=$(runz_domains_now)
  [ -n "$seen" ] && break
  kill -0 "$runpid" 2>/dev/null || break
  sleep 0.1
done
echo "   while it runs, xl list in dom0:"
xl list | sed 's/^/     /'
wait "$runpid"
rc=$?
sed 's/^/   container: /' "$RUNZ_TEST_TMP/runz.out"
left=$(runz_domains_now)
echo "   after it exited: runz domains left: ${left:-none}"
[ "$rc" = 0 ] && [ "$seen" = runz-demo1 ] && [ -z "$left" ] && grep -q '^hello from a zone' "$RUNZ_TEST_TMP/runz.out"
step "runz run (domain ${seen:-none} while it ran, gone after)" "$?" "$(secs "$t")" "$RUNZ_TEST_TMP/runz.out"

echo
echo "== 2. docker run --rm --runtime=runz"
prepare_wait " (beside 1.)"
t=$(up)
docker_ run --rm --runtime=runz --hostname docker-demo "$DOCKER_IMAGE" /bin/sh -c "$SHOW" >"$RUNZ_TEST_TMP/docker.out" 2>&1
rc=$?
sed 's/^/   container: /' "$RUNZ_TEST_TMP/docker.out"
[ "$rc" = 0 ] && grep -q '^hello from a zone' "$RUNZ_TEST_TMP/docker.out" && wait_for 30 no_runz_domain
step "docker run --rm --runtime=runz" "$?" "$(secs "$t")" "$RUNZ_TEST_TMP/docker.out"

echo
echo "== 3. ctr run --runtime io.containerd.runz.v2"
t=$(up)
ctr_ run --rm --runtime "$RUNTIME" "$IMAGE" ctr-demo /bin/sh -c "$SHOW" >"$RUNZ_TEST_TMP/ctr.out" 2>&1
rc=$?
sed 's/^/   container: /' "$RUNZ_TEST_TMP/ctr.out"
[ "$rc" = 0 ] && grep -q '^hello from a zone' "$RUNZ_TEST_TMP/ctr.out" && wait_for 30 no_runz_domain
step "ctr run --runtime io.containerd.runz.v2" "$?" "$(secs "$t")" "$RUNZ_TEST_TMP/ctr.out"
docker_cleanup >/dev/null 2>&1

echo
echo "== summary: each container ran in a Xen PV zone of its own, under its own kernel (its uptime: seconds,"
echo "   dom0's: $(cut -d' ' -f1 /proc/uptime) s; its memory: the zone's, dom0 has $(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2) kB)."
echo "   Times are dom0's, under QEMU's software emulation (no KVM): a real Xen host is many times faster."
cat "$SUMMARY"
echo "  total in dom0: $(secs "$T0") s; runz domains left: $(runz_domains_now | wc -l)"
[ "$FAILED" = 0 ] && echo "== demo: OK" || echo "== demo: FAILED"
exit "$FAILED"
