#!/bin/sh
# runner.sh SUITE... : runs inside dom0 (busybox sh). Every /payload/suites/<suite>/NN-*.sh is one test,
# run in its own session with a timeout; exit 0 = PASS, 77 = SKIP, anything else = FAIL.
# Console framing read by the host (conformance/run-suite):
#   RUNZ-TEST-BEGIN <suite>/<name>
#   ... the test's stdout and stderr ...
#   RUNZ-TEST-RESULT <suite>/<name> PASS|FAIL|SKIP <seconds> rc=<n>[ timeout]
# A test sets its own limit with a line "# timeout: <seconds>" (default $RUNZ_TEST_TIMEOUT or 300).
# After each test, domains other than dom0 that are still there are destroyed (and named in the log).
DEFAULT_TIMEOUT=${RUNZ_TEST_TIMEOUT:-300}
export RUNZ_TESTLIB=/payload/testlib.sh
up() { cut -d' ' -f1 /proc/uptime; }
failed=0
dmesg_seen=$(dmesg 2>/dev/null | wc -l)
for suite in "$@"; do
  dir=/payload/suites/$suite
  [ -d "$dir" ] || { echo "RUNZ-SUITE-MISSING $suite"; failed=1; continue; }
  for t in "$dir"/[0-9]*.sh; do
    [ -f "$t" ] || continue
    name=$suite/$(basename "$t" .sh)
    tmo=$(sed -n 's/^# *timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
    tmo=${tmo:-$DEFAULT_TIMEOUT}
    work=/tmp/runz-test/$name
    rm -rf "$work"
    mkdir -p "$work"
    rm -f /tmp/runz-test/.timedout
    echo "RUNZ-TEST-BEGIN $name"
    t0=$(up)
    # own session, so the watchdog can kill the whole process group on timeout
    (cd "$work" && RUNZ_TEST_NAME=$name RUNZ_TEST_DIR=$dir RUNZ_TEST_TMP=$work exec setsid sh "$t" 2>&1) &
    pid=$!
    setsid sh -c "sleep $tmo; touch /tmp/runz-test/.timedout; echo 'runner: timeout after $tmo s'; \
      kill -TERM -$pid 2>/dev/null; sleep 5; kill -KILL -$pid 2>/dev/null" &
    wd=$!
    wait $pid
    rc=$?
    kill -KILL -$wd 2>/dev/null
    wait $wd 2>/dev/null
    t1=$(up)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
    note=""
    [ -f /tmp/runz-test/.timedout ] && note=" timeout"
    case $rc in
      0) st=PASS ;;
      77) st=SKIP ;;
      *) st=FAIL; failed=1 ;;
    esac
    [ -n "$note" ] && { st=FAIL; failed=1; }
    # hygiene: nothing a test started may leak into the next test
    for d in $(xl list 2>/dev/null | awk 'NR>2 {print $1}'); do
      echo "runner: destroying leftover domain $d"
      xl destroy "$d" 2>&1
    done
    # kernel complaints during the test (segfaults, oopses, warnings): the console runs with `quiet`
    dmesg >/tmp/runz-test/.dmesg 2>/dev/null
    tail -n +$((dmesg_seen + 1)) /tmp/runz-test/.dmesg |
      grep -E 'segfault|traps:|general protection|Oops|BUG:|WARNING:|Call Trace|blocked for more' |
      head -n 20 | sed 's/^/runner: kernel: /'
    dmesg_seen=$(wc -l </tmp/runz-test/.dmesg)
    echo "RUNZ-TEST-RESULT $name $st $secs rc=$rc$note"
    # the suites share one boot and dom0's /tmp is RAM: drop the test's scratch dir, unless something is
    # still mounted under it (rm -rf would reach into the mount)
    grep -q " $work[/ ]" /proc/mounts || rm -rf "$work"
  done
done
exit $failed
