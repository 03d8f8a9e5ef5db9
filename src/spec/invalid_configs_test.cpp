// A table of malformed configs: each is a valid base config with one JSON merge patch applied, and the
// exact ConfigError message it must produce.
#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

json base_config() {
  return json::parse(R"({
    "ociVersion": "1.2.0",
    "process": {"args": ["sh"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}},
    "root": {"path": "rootfs"},
    "linux": {"namespaces": [{"type": "pid"}]}
  })");
}

struct Case {
  const char* patch;
  const char* message;
};

const Case kCases[] = {
    // Document and ociVersion.
    {R"({"ociVersion": null})", "config.json: ociVersion: is required (e.g. `1.2.0`)"},
    {R"({"ociVersion": 120})", "config.json: ociVersion: must be a string"},
    {R"({"ociVersion": "2.0.0"})", "config.json: ociVersion: unsupported version `2.0.0` (runz reads 1.x)"},
    // process
    {R"({"process": "sh"})", "config.json: process: must be an object"},
    {R"({"process": {"args": null}})", "config.json: process.args: must be a non-empty array of strings"},
    {R"({"process": {"args": []}})", "config.json: process.args: must be a non-empty array of strings"},
    {R"({"process": {"args": "sh"}})", "config.json: process.args: must be a non-empty array of strings"},
    {R"({"process": {"args": ["sh", 1]}})", "config.json: process.args[1]: must be a string"},
    {R"({"process": {"args": [""]}})", "config.json: process.args[0]: must not be empty (the program to run)"},
    {R"({"process": {"cwd": "tmp"}})", "config.json: process.cwd: must be an absolute path"},
    {R"({"process": {"cwd": null}})", "config.json: process.cwd: must be an absolute path"},
    {R"({"process": {"cwd": 7}})", "config.json: process.cwd: must be a string"},
    {R"({"process": {"env": ["PATH"]}})", "config.json: process.env[0]: must be KEY=VALUE, got `PATH`"},
    {R"({"process": {"env": ["A=1", "=x"]}})", "config.json: process.env[1]: must be KEY=VALUE, got `=x`"},
    {R"({"process": {"env": "PATH=/bin"}})", "config.json: process.env: must be an array of strings"},
    {R"({"process": {"terminal": "yes"}})", "config.json: process.terminal: must be a boolean"},
    {R"({"process": {"terminal": true, "consoleSize": {"height": "24", "width": 80}}})",
     "config.json: process.consoleSize.height: must be an integer between 0 and 4294967295"},
    {R"({"process": {"user": {"uid": -1}}})",
     "config.json: process.user.uid: must be an integer between 0 and 4294967295"},
    {R"({"process": {"user": {"gid": 4294967296}}})",
     "config.json: process.user.gid: must be an integer between 0 and 4294967295"},
    {R"({"process": {"user": {"uid": 1.5}}})",
     "config.json: process.user.uid: must be an integer between 0 and 4294967295"},
    {R"({"process": {"user": {"umask": 512}}})", "config.json: process.user.umask: must be between 0 and 0777 (511)"},
    {R"({"process": {"user": {"additionalGids": [1, -2]}}})",
     "config.json: process.user.additionalGids[1]: must be an integer between 0 and 4294967295"},
    {R"({"process": {"capabilities": {"bounding": ["CAP_FOO"]}}})",
     "config.json: process.capabilities.bounding[0]: unknown capability `CAP_FOO`"},
    {R"({"process": {"capabilities": {"effective": ["CAP_KILL", "cap_chown"]}}})",
     "config.json: process.capabilities.effective[1]: unknown capability `cap_chown`"},
    {R"({"process": {"capabilities": ["CAP_KILL"]}})", "config.json: process.capabilities: must be an object"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_FOO", "hard": 1, "soft": 1}]}})",
     "config.json: process.rlimits[0].type: unknown rlimit `RLIMIT_FOO`"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 20}]}})",
     "config.json: process.rlimits[0].soft: must not exceed hard (20 > 10)"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1},
                                 {"type": "RLIMIT_NOFILE", "hard": 2, "soft": 2}]}})",
     "config.json: process.rlimits[1].type: duplicate rlimit `RLIMIT_NOFILE`"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_CORE", "soft": 1}]}})",
     "config.json: process.rlimits[0].hard: is required"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_CORE", "hard": -1, "soft": 1}]}})",
     "config.json: process.rlimits[0].hard: must be a non-negative integer"},
    {R"({"process": {"oomScoreAdj": 1001}})", "config.json: process.oomScoreAdj: must be between -1000 and 1000"},
    {R"({"process": {"oomScoreAdj": -1001}})", "config.json: process.oomScoreAdj: must be between -1000 and 1000"},
    // root
    {R"({"root": null})", "config.json: root.path: must be a non-empty path (the container's root filesystem)"},
    {R"({"root": {"path": ""}})", "config.json: root.path: must be a non-empty path (the container's root filesystem)"},
    {R"({"root": {"path": "../outside"}})",
     "config.json: root.path: relative path `../outside` escapes the bundle directory"},
    {R"({"root": {"path": "rootfs/../../x"}})",
     "config.json: root.path: relative path `rootfs/../../x` escapes the bundle directory"},
    {R"({"root": {"readonly": "true"}})", "config.json: root.readonly: must be a boolean"},
    // mounts, hooks, top-level strings
    {R"({"mounts": [{"destination": "/proc", "type": "proc"}, {"destination": "tmp"}]})",
     "config.json: mounts[1].destination: must be an absolute path"},
    {R"({"mounts": [{"type": "tmpfs"}]})", "config.json: mounts[0].destination: must be an absolute path"},
    {R"({"mounts": {"destination": "/x"}})", "config.json: mounts: must be an array"},
    {R"({"mounts": [{"destination": "/x", "options": "ro"}]})",
     "config.json: mounts[0].options: must be an array of strings"},
    {R"({"hooks": {"prestart": [{"path": "hook"}]}})", "config.json: hooks.prestart[0].path: must be an absolute path"},
    {R"({"hooks": {"poststop": [{"path": "/bin/true", "timeout": 0}]}})",
     "config.json: hooks.poststop[0].timeout: must be greater than zero (seconds)"},
    {R"({"hooks": {"createRuntime": [{"path": "/bin/true", "env": ["X"]}]}})",
     "config.json: hooks.createRuntime[0].env[0]: must be KEY=VALUE, got `X`"},
    {R"({"hostname": 5})", "config.json: hostname: must be a string"},
    {R"({"annotations": {"a": 1}})", "config.json: annotations[\"a\"]: must be a string"},
    {R"({"annotations": ["a"]})", "config.json: annotations: must be an object with string values"},
    // linux
    {R"({"linux": []})", "config.json: linux: must be an object"},
    {R"({"linux": {"namespaces": [{"type": "pid"}, {"type": "foo"}]}})",
     "config.json: linux.namespaces[1].type: unknown namespace type `foo`"},
    {R"({"linux": {"namespaces": [{"type": "pid"}, {"type": "pid"}]}})",
     "config.json: linux.namespaces[1].type: duplicate namespace type `pid`"},
    {R"({"linux": {"namespaces": [{"type": "network", "path": "netns"}]}})",
     "config.json: linux.namespaces[0].path: must be an absolute path"},
    {R"({"linux": {"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}]}})",
     "config.json: linux.uidMappings[0].size: must be greater than zero"},
    {R"({"linux": {"gidMappings": [{"containerID": 0, "size": 1}]}})",
     "config.json: linux.gidMappings[0].hostID: is required"},
    {R"({"linux": {"resources": {"memory": {"limit": -2}}}})",
     "config.json: linux.resources.memory.limit: must be -1 (unlimited) or a non-negative number of bytes"},
    {R"({"linux": {"resources": {"memory": {"limit": 1000, "swap": 10}}}})",
     "config.json: linux.resources.memory.swap: must not be less than the memory limit (it is memory+swap)"},
    {R"({"linux": {"resources": {"memory": {"swappiness": 101}}}})",
     "config.json: linux.resources.memory.swappiness: must be between 0 and 100"},
    {R"({"linux": {"resources": {"cpu": {"quota": 10}}}})",
     "config.json: linux.resources.cpu.quota: must be -1 (unlimited), 0 (unset) or at least 1000 microseconds"},
    {R"({"linux": {"resources": {"cpu": {"period": 2000000}}}})",
     "config.json: linux.resources.cpu.period: must be 0 (unset) or between 1000 and 1000000 microseconds"},
    {R"({"linux": {"resources": {"cpu": {"cpus": "0-3,x"}}}})",
     "config.json: linux.resources.cpu.cpus: must be a CPU list like `0-3,5`"},
    {R"({"linux": {"resources": {"pids": {"limit": -5}}}})",
     "config.json: linux.resources.pids.limit: must be -1 (unlimited) or a non-negative number of tasks"},
    {R"({"linux": {"resources": {"pids": {}}}})", "config.json: linux.resources.pids.limit: is required"},
    {R"({"linux": {"resources": {"hugepageLimits": [{"pageSize": "2M", "limit": 1}]}}})",
     "config.json: linux.resources.hugepageLimits[0].pageSize: must be a size like `2MB`, `1GB` or `64KB`, got `2M`"},
    {R"({"linux": {"resources": {"devices": [{"allow": true, "access": "rwx"}]}}})",
     "config.json: linux.resources.devices[0].access: must be a subset of `rwm`"},
    {R"({"linux": {"resources": {"devices": [{"access": "rwm"}]}}})",
     "config.json: linux.resources.devices[0].allow: is required"},
    {R"({"linux": {"devices": [{"type": "x", "path": "/dev/x"}]}})",
     "config.json: linux.devices[0].type: must be one of `c`, `b`, `u`, `p`"},
    {R"({"linux": {"devices": [{"type": "c", "path": "dev/null", "major": 1, "minor": 3}]}})",
     "config.json: linux.devices[0].path: must be an absolute path"},
    {R"({"linux": {"devices": [{"type": "c", "path": "/dev/null", "minor": 3}]}})",
     "config.json: linux.devices[0].major: is required for type `c`"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_FOO"}}})",
     "config.json: linux.seccomp.defaultAction: unknown seccomp action `SCMP_ACT_FOO`"},
    {R"({"linux": {"seccomp": {}}})", "config.json: linux.seccomp.defaultAction: is required (SCMP_ACT_*)"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "ALLOW"}]}}})",
     "config.json: linux.seccomp.syscalls[0].action: unknown seccomp action `ALLOW`"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}}})",
     "config.json: linux.seccomp.architectures[0]: unknown seccomp architecture `SCMP_ARCH_Z80`"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FOO"]}}})",
     "config.json: linux.seccomp.flags[0]: unknown seccomp flag `SECCOMP_FILTER_FLAG_FOO`"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"],
        "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]}}})",
     "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator `SCMP_CMP_FOO`"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}}})",
     "config.json: linux.seccomp.defaultErrnoRet: is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
     "`SCMP_ACT_ALLOW`"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_LOG"}]}}})",
     "config.json: linux.seccomp.syscalls[0].names: must be a non-empty array of strings"},
    {R"({"linux": {"sysctl": {"": "1"}}})", "config.json: linux.sysctl[\"\"]: sysctl name must not be empty"},
    {R"({"linux": {"sysctl": {"net.ipv4.ip_forward": 1}}})",
     "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: must be a string"},
    {R"({"linux": {"maskedPaths": ["proc/kcore"]}})",
     "config.json: linux.maskedPaths[0]: must be an absolute path, got `proc/kcore`"},
    {R"({"linux": {"readonlyPaths": ["/proc/sys", "sys"]}})",
     "config.json: linux.readonlyPaths[1]: must be an absolute path, got `sys`"},
    {R"({"linux": {"rootfsPropagation": "sideways"}})",
     "config.json: linux.rootfsPropagation: unknown propagation `sideways` (shared, slave, private, unbindable, or "
     "r-prefixed)"},
};

}  // namespace

TEST_CASE("the base config of the table is valid") { CHECK_NOTHROW(runz::spec::parse_config(base_config())); }

TEST_CASE("malformed configs are rejected with the exact path and reason") {
  static_assert(std::size(kCases) >= 35);
  for (const auto& c : kCases) {
    CAPTURE(c.patch);
    json config = base_config();
    config.merge_patch(json::parse(c.patch));
    CHECK_THROWS_WITH_AS(runz::spec::parse_config(config), c.message, runz::spec::ConfigError);
  }
}

TEST_CASE("a document that is not an object") {
  CHECK_THROWS_WITH_AS(runz::spec::parse_config(json::array()), "config.json: must be a JSON object",
                       runz::spec::ConfigError);
}

TEST_CASE("ConfigError exposes its parts") {
  try {
    json config = base_config();
    config["process"]["rlimits"] = json::parse(R"([{"type": "RLIMIT_X", "hard": 1, "soft": 1}])");
    runz::spec::parse_config(config);
    FAIL("no exception");
  } catch (const runz::spec::ConfigError& e) {
    CHECK(e.path() == "process.rlimits[0].type");
    CHECK(e.reason() == "unknown rlimit `RLIMIT_X`");
    CHECK(e.document() == "config.json");
    CHECK(e.code() == 0);
  }
}
