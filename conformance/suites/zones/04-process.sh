#!/bin/sh
# Inside the zone the process is the one config.json describes: user (uid, gid, additionalGids), env, cwd,
# RLIMIT_NOFILE, capabilities (CapEff), a seccomp rule returning EPERM for mkdir, hostname.
# timeout: 600
. "$RUNZ_TESTLIB"
. "$RUNZ_TEST_DIR/zonelib.sh"
B=$RUNZ_TEST_TMP/bundle
ROOT=$RUNZ_TEST_TMP/root
busybox_bundle "$B"
mkdir -p "$B/rootfs/work/dir"
chmod 0777 "$B/rootfs/tmp"
cat >"$B/config.json" <<'JSON'
{
  "ociVersion": "1.2.0",
  "process": {
    "user": {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]},
    "args": ["sh", "-c", "echo uid=$(id -u) gid=$(id -g) groups=$(id -G); echo pwd=$(pwd); echo nofile=$(ulimit -n); grep CapEff /proc/self/status; echo hostname=$(hostname); env | sort | sed 's/^/env:/'; if mkdir /tmp/newdir 2>/tmp/mkdir.err; then echo mkdir=ok; else echo mkdir=$(cat /tmp/mkdir.err); fi; touch /tmp/file && echo touch=ok"],
    "env": ["PATH=/bin", "FOO=bar baz", "RUNZ_TEST=1"],
    "cwd": "/work/dir",
    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1234, "hard": 2345}],
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_CHOWN", "CAP_KILL"],
      "permitted": ["CAP_CHOWN", "CAP_KILL"],
      "inheritable": ["CAP_CHOWN", "CAP_KILL"],
      "ambient": ["CAP_CHOWN", "CAP_KILL"]
    },
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs"},
  "hostname": "zone-proc",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "linux": {
    "seccomp": {
      "defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]
    }
  }
}
JSON
zone_run "$B" t1
[ "$RUN_RC" -eq 0 ] || fail "run exited $RUN_RC"
O=$RUNZ_TEST_TMP/out
grep -qx 'uid=1000 gid=1001 groups=1001 10 20' "$O" || grep -qx 'uid=1000 gid=1001 groups=10 20' "$O" ||
  fail "id: $(grep '^uid=' "$O")"
grep -qx 'pwd=/work/dir' "$O" || fail "cwd: $(grep '^pwd=' "$O")"
grep -qx 'nofile=1234' "$O" || fail "ulimit -n: $(grep '^nofile=' "$O")"
# CAP_CHOWN (0) | CAP_KILL (5) = 0x21, kept across exec as uid 1000 through the ambient set
grep -q '^CapEff:[[:space:]]*0000000000000021$' "$O" || fail "CapEff: $(grep CapEff "$O")"
grep -qx 'hostname=zone-proc' "$O" || fail "hostname: $(grep '^hostname=' "$O")"
grep -qx 'env:FOO=bar baz' "$O" || fail "env FOO missing"
grep -qx 'env:RUNZ_TEST=1' "$O" || fail "env RUNZ_TEST missing"
grep -qx 'env:PATH=/bin' "$O" || fail "env PATH missing"
grep -q '^mkdir=.*Operation not permitted' "$O" || fail "seccomp: $(grep '^mkdir=' "$O")"
grep -qx 'touch=ok' "$O" || fail "touch in /tmp failed (not a seccomp rule): the check above proves nothing"
assert_clean "$ROOT"
exit 0
