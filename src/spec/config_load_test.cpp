#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <fstream>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Every field config.hpp has, with non-default values.
const char* const kRichConfig = R"({
  "ociVersion": "1.2.0",
  "process": {
    "terminal": true,
    "consoleSize": {"height": 24, "width": 80},
    "user": {"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 6], "username": "app"},
    "args": ["/bin/app", "--flag"],
    "env": ["PATH=/usr/bin", "EMPTY="],
    "cwd": "/srv",
    "capabilities": {"bounding": ["CAP_KILL", "CAP_CHECKPOINT_RESTORE"], "effective": ["CAP_KILL"],
                     "inheritable": ["CAP_CHOWN"], "permitted": ["CAP_KILL"], "ambient": ["CAP_NET_RAW"]},
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024}, {"type": "RLIMIT_CORE", "hard": 0, "soft": 0}],
    "noNewPrivileges": true,
    "oomScoreAdj": -500,
    "apparmorProfile": "profile",
    "selinuxLabel": "system_u:system_r:container_t:s0"
  },
  "root": {"path": "/var/lib/rootfs", "readonly": true},
  "hostname": "zone",
  "domainname": "example.org",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "ro"]}
  ],
  "hooks": {
    "prestart": [{"path": "/bin/pre", "args": ["pre", "x"], "env": ["A=1"], "timeout": 5}],
    "createRuntime": [{"path": "/bin/cr"}],
    "createContainer": [{"path": "/bin/cc"}],
    "startContainer": [{"path": "/bin/sc"}],
    "poststart": [{"path": "/bin/ps"}],
    "poststop": [{"path": "/bin/pst", "timeout": 1}]
  },
  "annotations": {"io.runz.zone-dir": "/opt/zone", "x": ""},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/n"}, {"type": "mount"},
                   {"type": "ipc"}, {"type": "uts"}, {"type": "user"}, {"type": "cgroup"}, {"type": "time"}],
    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 65536}],
    "resources": {
      "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
      "memory": {"limit": 536870912, "reservation": 268435456, "swap": -1, "kernel": -1, "kernelTCP": 0,
                 "swappiness": 60, "disableOOMKiller": false},
      "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "realtimeRuntime": 950000, "realtimePeriod": 1000000,
              "cpus": "0-3,5", "mems": "0", "idle": 1},
      "pids": {"limit": 512},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}]
    },
    "cgroupsPath": "/runz/zone",
    "sysctl": {"net.ipv4.ip_forward": "1"},
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "listenerPath": "/run/seccomp.sock", "listenerMetadata": "meta",
      "syscalls": [
        {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
                  {"index": 1, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["mount"], "action": "SCMP_ACT_NOTIFY"},
        {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
      ]
    },
    "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
                {"type": "p", "path": "/dev/fifo"}],
    "maskedPaths": ["/proc/kcore"],
    "readonlyPaths": ["/proc/sys"],
    "rootfsPropagation": "rslave",
    "mountLabel": "system_u:object_r:container_file_t:s0"
  },
  "unknownTopLevel": {"tolerated": true}
})";

// A fresh directory under the test's temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "runz-spec-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const char* name, const std::string& text) const { std::ofstream(path / name) << text; }
};

}  // namespace

TEST_CASE("a rich config: every field is read") {
  auto c = runz::spec::parse_config(json::parse(kRichConfig));
  REQUIRE(c.process);
  const auto& p = *c.process;
  CHECK(p.terminal);
  REQUIRE(p.console_size);
  CHECK(p.console_size->width == 80);
  CHECK(p.user.uid == 1000);
  CHECK(p.user.umask == 18u);
  CHECK(p.user.additional_gids == std::vector<uint32_t>{5, 6});
  CHECK(p.user.username == "app");
  CHECK(p.args == std::vector<std::string>{"/bin/app", "--flag"});
  CHECK(p.cwd == "/srv");
  REQUIRE(p.capabilities);
  CHECK(p.capabilities->ambient == std::vector<std::string>{"CAP_NET_RAW"});
  REQUIRE(p.rlimits.size() == 2);
  CHECK(p.rlimits[0].soft == 1024);
  CHECK(p.oom_score_adj == -500);
  CHECK(p.apparmor_profile == "profile");
  CHECK(c.root.path == "/var/lib/rootfs");
  CHECK(c.root.readonly);
  CHECK(c.domainname == "example.org");
  REQUIRE(c.mounts.size() == 2);
  CHECK(c.mounts[1].is_bind());
  CHECK(c.mounts[1].is_readonly());
  CHECK(c.hooks.prestart.at(0).timeout == 5);
  CHECK(c.hooks.poststop.at(0).path == "/bin/pst");
  CHECK(c.annotations.at("io.runz.zone-dir") == "/opt/zone");
  REQUIRE(c.linux_);
  const auto& l = *c.linux_;
  CHECK(l.namespaces.size() == 8);
  CHECK(l.namespaces[1].path == "/var/run/netns/n");
  CHECK(l.uid_mappings.at(0).host_id == 100000);
  REQUIRE(l.resources);
  CHECK(l.resources->memory->swap == -1);
  CHECK(l.resources->cpu->cpus == "0-3,5");
  CHECK(l.resources->pids->limit == 512);
  CHECK(l.resources->hugepage_limits.at(0).page_size == "2MB");
  CHECK(l.resources->devices.at(1).major == 1);
  CHECK(l.sysctl.at("net.ipv4.ip_forward") == "1");
  REQUIRE(l.seccomp);
  CHECK(l.seccomp->default_errno_ret == 1u);
  CHECK(l.seccomp->syscalls.at(1).args.at(1).value_two == 8);
  CHECK(l.seccomp->syscalls.at(3).errno_ret == 38u);
  CHECK(l.seccomp->listener_path == "/run/seccomp.sock");
  CHECK(l.devices.at(0).file_mode == 438u);
  CHECK(l.rootfs_propagation == "rslave");
  CHECK(l.mount_label == "system_u:object_r:container_file_t:s0");
}

TEST_CASE("to_json(Config) round-trips, and drops only unknown fields") {
  auto document = json::parse(kRichConfig);
  auto c = runz::spec::parse_config(document);
  auto written = runz::spec::to_json(c);
  CHECK(runz::spec::parse_config(written) == c);
  document.erase("unknownTopLevel");
  CHECK(json::diff(written, document).dump() == "[]");
}

TEST_CASE("a minimal config: process and linux are optional, defaults apply") {
  auto c = runz::spec::parse_config(json::parse(R"({"ociVersion": "1.0.2", "root": {"path": "rootfs"}})"));
  CHECK_FALSE(c.process);
  CHECK_FALSE(c.linux_);
  CHECK_FALSE(c.root.readonly);
  CHECK_THROWS_WITH_AS(runz::spec::require_process(c), "config.json: process: is required to create a container",
                       runz::spec::ConfigError);
  CHECK(runz::spec::parse_config(runz::spec::to_json(c)) == c);
}

TEST_CASE("null reads as absent, as Go does for runc") {
  auto c = runz::spec::parse_config(json::parse(
      R"({"ociVersion": "1.2.0", "root": {"path": "r"}, "mounts": null, "hostname": null, "linux": null,
          "process": {"args": ["sh"], "cwd": "/", "env": null, "capabilities": null}})"));
  CHECK(c.mounts.empty());
  CHECK(c.process->env.empty());
  CHECK_FALSE(c.process->capabilities);
}

TEST_CASE("rootfs_path resolves relative roots against the bundle") {
  runz::spec::Config c;
  c.root.path = "rootfs/./a/../b";
  CHECK(runz::spec::rootfs_path(c, "/bundles/x") == fs::path("/bundles/x/rootfs/b"));
  c.root.path = "/abs//root";
  CHECK(runz::spec::rootfs_path(c, "/bundles/x") == fs::path("/abs/root"));
  // "a/../b" stays inside the bundle and is accepted.
  CHECK_NOTHROW(runz::spec::parse_config(json::parse(R"({"ociVersion": "1.2.0", "root": {"path": "a/../b"}})")));
}

TEST_CASE("load_config reads <bundle>/config.json") {
  TempDir dir;
  dir.write("config.json", kRichConfig);
  CHECK(runz::spec::load_config(dir.path) == runz::spec::parse_config(json::parse(kRichConfig)));
}

TEST_CASE("load_config: a missing config.json is an error with ENOENT naming the file") {
  TempDir dir;
  auto file = (dir.path / "config.json").string();
  try {
    runz::spec::load_config(dir.path);
    FAIL("no exception");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()) == "open `" + file + "`: No such file or directory");
    CHECK(e.code() == ENOENT);
  }
}

TEST_CASE("load_config: invalid JSON names the file, line and column") {
  TempDir dir;
  dir.write("config.json", "{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": }\n");
  auto file = (dir.path / "config.json").string();
  try {
    runz::spec::load_config(dir.path);
    FAIL("no exception");
  } catch (const runz::spec::ConfigError& e) {
    std::string what = e.what();
    CAPTURE(what);
    CHECK(what.starts_with("config.json: root: invalid JSON in `" + file + "`: parse error at line 3, column 11:"));
    CHECK(e.path() == "root");
  }
}

TEST_CASE("load_config: a number too large for a double names config.json, its path and the field") {
  struct Case {
    const char* text;
    const char* field;
  };
  const Case cases[] = {
      {R"({"ociVersion": "1.2.0", "process": {"user": {"uid": 1E400}}})", "process.user.uid"},
      {R"({"ociVersion": "1.2.0", "process": {"args": ["sh", -1e999]}})", "process.args[1]"},
      {R"({"ociVersion": "1.2.0", "process": {"rlimits": [{"type": "RLIMIT_NOFILE"}, {"hard": 1E400}]}})",
       "process.rlimits[1].hard"},
      {R"({"ociVersion": "1.2.0", "linux": {"sysctl": {"net.ipv4.ip_forward": 1E400}}})",
       R"(linux.sysctl["net.ipv4.ip_forward"])"},
      {R"({"mounts": [], "ociVersion": "1.2.0", "hostname": 1E400})", "hostname"},
      {"1E400", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    TempDir dir;
    dir.write("config.json", c.text);
    const auto file = (dir.path / "config.json").string();
    try {
      runz::spec::load_config(dir.path);
      FAIL("no exception");
    } catch (const runz::spec::ConfigError& e) {
      const std::string field = c.field;
      CHECK(e.path() == field);
      CHECK(std::string(e.what()) == "config.json: " + (field.empty() ? "" : field + ": ") + "invalid JSON in `" + file +
                                         "`: number overflow parsing '" +
                                         std::string(std::string_view(c.text).find("-1e999") != std::string_view::npos
                                                         ? "-1e999"
                                                         : "1E400") +
                                         "'");
      CHECK(e.kind() == runz::ErrorKind::InvalidArgument);
    }
  }
}

TEST_CASE("load_config: validation errors come through unchanged") {
  TempDir dir;
  dir.write("config.json", R"({"ociVersion": "1.2.0", "root": {"path": "r"}, "process": {"args": [], "cwd": "/"}})");
  CHECK_THROWS_WITH_AS(runz::spec::load_config(dir.path),
                       "config.json: process.args: must be a non-empty array of strings", runz::spec::ConfigError);
}
