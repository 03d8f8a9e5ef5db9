#include "agent-proto/messages.hpp"

#include "agent-proto/decoder.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

using namespace runz::agent_proto;

TEST_CASE("simple messages round trip") {
  const Hello hello{1, "0.1.0", "6.1.0-28-amd64", true};
  CHECK(parse_hello(to_json_payload(hello)) == hello);
  CHECK_FALSE(parse_hello(R"({"version":1})").console_sysrq);
  const ErrorReport error{"mount rootfs", 2, "mount `rootfs`: No such file or directory"};
  CHECK(parse_error_report(to_json_payload(error)) == error);
  CHECK(parse_process_pid(to_json_payload(ProcessPid{42})).pid == 42);
  CHECK(parse_exit(to_json_payload(Exit{3, std::nullopt})) == Exit{3, std::nullopt});
  CHECK(parse_exit(to_json_payload(Exit{137, 9})) == Exit{137, 9});
  CHECK(parse_signal(to_json_payload(Signal{15, true})) == Signal{15, true});
  CHECK(parse_resize(to_json_payload(Resize{24, 80})) == Resize{24, 80});
}

TEST_CASE("payloads are the documented JSON") {
  CHECK(to_json_payload(Exit{3, std::nullopt}) == R"({"status":3})");
  CHECK(to_json_payload(Exit{137, 9}) == R"({"signal":9,"status":137})");
  CHECK(parse_signal(R"({"signal":9})") == Signal{9, false});
  CHECK(parse_error_report(R"({"step":"x","message":"y"})").errno_value == 0);
}

TEST_CASE("encode picks the frame type") {
  Decoder d;
  const auto events = d.feed(encode(5, Exit{0, std::nullopt}) + encode(MessageType::kStarted, 5, ProcessPid{7}));
  REQUIRE(events.size() == 2);
  CHECK(std::get<Frame>(events[0]).type == MessageType::kExit);
  CHECK(std::get<Frame>(events[0]).stream == 5);
  CHECK(std::get<Frame>(events[1]).type == MessageType::kStarted);
}

TEST_CASE("malformed payloads are ProtocolErrors naming the field") {
  CHECK_THROWS_WITH_AS(parse_exit("not json"), "agent protocol: EXIT: payload is not valid JSON", ProtocolError);
  CHECK_THROWS_WITH_AS(parse_exit("[1]"), "agent protocol: EXIT: payload must be a JSON object", ProtocolError);
  CHECK_THROWS_WITH_AS(parse_exit("{}"), "agent protocol: EXIT: status: is required", ProtocolError);
  CHECK_THROWS_WITH_AS(parse_exit(R"({"status":"3"})"), "agent protocol: EXIT: status: must be an integer",
                       ProtocolError);
  CHECK_THROWS_AS(parse_exit(R"({"status":256})"), ProtocolError);
  CHECK_THROWS_AS(parse_signal(R"({"signal":0})"), ProtocolError);
  CHECK_THROWS_AS(parse_signal(R"({"signal":9,"all":1})"), ProtocolError);
  CHECK_THROWS_AS(parse_resize(R"({"height":70000,"width":1})"), ProtocolError);
  CHECK_THROWS_AS(parse_process_pid(R"({"pid":18446744073709551615})"), ProtocolError);
  CHECK_THROWS_AS(parse_hello(R"({"version":-1})"), ProtocolError);
  CHECK_THROWS_AS(parse_error_report(R"({"step":1,"message":""})"), ProtocolError);
}

TEST_CASE("CREATE round trips with process, mounts and linux") {
  const char* payload = R"({
    "container": "t1",
    "rootfs": {"tag": "rootfs", "readonly": true},
    "hostname": "t1", "domainname": "example",
    "process": {"args": ["sh", "-c", "exit 3"], "env": ["PATH=/bin"], "cwd": "/",
                "user": {"uid": 1000, "gid": 1000, "additionalGids": [5]},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}]},
    "mounts": [
      {"destination": "/proc", "type": "proc", "source": "proc", "options": []},
      {"destination": "/etc/hosts", "type": "9p", "tag": "m0", "file": "hosts", "options": ["rbind", "ro"]}
    ],
    "linux": {"sysctl": {"net.ipv4.ip_forward": "1"}, "maskedPaths": ["/proc/kcore"],
              "readonlyPaths": ["/proc/sys"]}
  })";
  const Create c = parse_create(payload);
  CHECK(c.container == "t1");
  CHECK(c.rootfs == RootfsRef{"rootfs", true});
  CHECK(c.hostname == "t1");
  CHECK(c.domainname == "example");
  CHECK(c.process.args == std::vector<std::string>{"sh", "-c", "exit 3"});
  CHECK(c.process.user.uid == 1000);
  CHECK(c.process.user.additional_gids == std::vector<uint32_t>{5});
  REQUIRE(c.process.rlimits.size() == 1);
  CHECK(c.process.rlimits[0].soft == 512);
  REQUIRE(c.mounts.size() == 2);
  CHECK(c.mounts[1].tag == "m0");
  CHECK(c.mounts[1].file == "hosts");
  CHECK(c.mounts[1].options == std::vector<std::string>{"rbind", "ro"});
  CHECK(c.linux_.sysctl.at("net.ipv4.ip_forward") == "1");
  CHECK(c.linux_.masked_paths == std::vector<std::string>{"/proc/kcore"});
  CHECK_FALSE(c.pid_namespace);
  CHECK(parse_create(to_json_payload(c)) == c);
  Create member = c;
  member.pid_namespace = true;
  CHECK(parse_create(to_json_payload(member)).pid_namespace);
}

TEST_CASE("CREATE and EXEC reject bad input") {
  CHECK_THROWS_WITH_AS(parse_create(R"({"rootfs":{"tag":"r"},"process":{"args":["a"],"cwd":"/"}})"),
                       "agent protocol: CREATE: container: is required", ProtocolError);
  CHECK_THROWS_AS(parse_create(R"({"container":"c","rootfs":{"tag":"r"},"process":{"args":["a"],"cwd":"/"},
                                   "pidNamespace":"yes"})"),
                  ProtocolError);
  CHECK_THROWS_AS(parse_create(R"({"container":"c","process":{"args":["a"],"cwd":"/"}})"), ProtocolError);
  CHECK_THROWS_AS(parse_create(R"({"container":"c","rootfs":{"tag":"r"},"process":{"args":["a"],"cwd":"/"},
                                   "mounts":[{"destination":"/x","type":"9p"}]})"),
                  ProtocolError);
  CHECK_THROWS_AS(parse_create(R"({"container":"c","rootfs":{"tag":"r"},"process":{"args":["a"],"cwd":"/"},
                                   "mounts":[{"destination":"/x","type":"9p","tag":"m0","file":"../x"}]})"),
                  ProtocolError);
  CHECK_THROWS_AS(parse_create(R"({"container":"c","rootfs":{"tag":"r"},"process":{"args":["a"],"cwd":"/"},
                                   "mounts":[{"destination":"x","type":"tmpfs"}]})"),
                  ProtocolError);
  // The OCI process is validated by runz::spec; its error keeps the "process." path.
  try {
    parse_exec(R"({"container":"c","process":{"args":[],"cwd":"/"}})");
    FAIL("no throw");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()).find("agent protocol: EXEC: ") == 0);
    CHECK(std::string(e.what()).find("process.args") != std::string::npos);
  }
  const Exec e = parse_exec(R"({"container":"c","process":{"args":["id"],"cwd":"/"}})");
  CHECK(e.container == "c");
  CHECK(parse_exec(to_json_payload(e)) == e);
}

TEST_CASE("UPDATE: a container, its LinuxResources and/or frozen; UPDATED: its cgroup's usage") {
  Update u;
  u.container = "c";
  u.resources = runz::spec::Resources{};
  u.resources->memory = runz::spec::MemoryResources{};
  u.resources->memory->limit = 402653184;
  u.resources->cpu = runz::spec::CpuResources{};
  u.resources->cpu->quota = 200000;
  u.resources->cpu->period = 100000;
  CHECK(parse_update(to_json_payload(u)) == u);
  const Update freeze{"c", std::nullopt, true};
  CHECK(parse_update(to_json_payload(freeze)) == freeze);
  CHECK(parse_update(R"({"container":"c"})") == Update{"c", std::nullopt, std::nullopt});
  CHECK_THROWS_AS(parse_update(R"({"container":"","resources":{}})"), ProtocolError);
  CHECK_THROWS_AS(parse_update(R"({"container":"c","frozen":1})"), ProtocolError);
  try {
    parse_update(R"({"container":"c","resources":{"memory":{"limit":"big"}}})");
    FAIL("no throw");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()).find("agent protocol: UPDATE: ") == 0);
    CHECK(std::string(e.what()).find("memory.limit") != std::string::npos);
  }
  const std::string frame = encode(7, u);
  CHECK(static_cast<uint8_t>(frame[3]) == static_cast<uint8_t>(MessageType::kUpdate));
  const CgroupUsage usage{300 << 20, 256 << 20, 123456789, 2};
  CHECK(parse_updated(to_json_payload(usage)) == usage);
  CHECK_THROWS_AS(parse_updated(R"({"memory":-1,"memoryLimit":0,"cpuNs":0})"), ProtocolError);
  CHECK_THROWS_AS(parse_updated("{}"), ProtocolError);
}

TEST_CASE("exit_from_wait_status") {
  CHECK(exit_from_wait_status(3 << 8) == Exit{3, std::nullopt});
  CHECK(exit_from_wait_status(SIGKILL) == Exit{137, SIGKILL, false});
  const Exit oom{137, SIGKILL, true};
  CHECK(parse_exit(to_json_payload(oom)) == oom);
  CHECK(to_json_payload(Exit{0, std::nullopt, false}).find("oomKilled") == std::string::npos);
}
