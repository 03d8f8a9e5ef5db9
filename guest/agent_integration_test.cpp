// Integration test of runz-agent without Xen: the agent runs in its test transport (--transport=stdio
// --no-pid1) inside `unshare --mount --pid --fork`, so its mounts never reach this machine, with a busybox
// rootfs directory standing in for the 9p `rootfs` tag and another directory for tag `m0`. The test speaks
// real protocol frames over a socketpair. --mount-proc gives the agent a /proc of its own PID namespace, as
// a zone has. Needs root and a static busybox (busybox-static); exits 77
// (skipped in ctest) without them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "agent-proto/decoder.hpp"
#include "agent-proto/dns_message.hpp"
#include "agent-proto/messages.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ap = runz::agent_proto;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path g_agent;
fs::path g_busybox;

// A scratch directory with a busybox rootfs and a shared directory for tag m0.
struct Scratch {
  fs::path dir;
  Scratch() {
    char tmpl[] = "/tmp/runz-agent-it.XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    const fs::path bin = dir / "rootfs/bin";
    fs::create_directories(bin);
    fs::copy_file(g_busybox, bin / "busybox");
    for (const char* applet :
         {"sh", "echo", "id", "cat", "sleep", "mkdir", "grep", "ls", "ulimit", "hostname", "tty", "nslookup"})
      fs::create_symlink("busybox", bin / applet);
    fs::create_directories(dir / "share");
    std::ofstream(dir / "share/hello.txt") << "from m0\n";
    fs::create_directories(dir / "state");
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

struct Output {
  std::string out, err;
  bool out_eof = false, err_eof = false;
};

class Session {
 public:
  // own_netns: the agent gets a network namespace of its own (unshare --net) with lo up, as a zone's agent
  // brings it up at boot; otherwise it shares this test's.
  explicit Session(const Scratch& scratch, bool own_netns = false) {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(sv[1], 0);
      dup2(sv[1], 1);
      const std::string rootfs = "--rootfs-dir=" + (scratch.dir / "rootfs").string();
      const std::string tag = "--tag-dir=m0=" + (scratch.dir / "share").string();
      const std::string state = "--state-dir=" + (scratch.dir / "state").string();
      if (own_netns) {
        const std::string lo_up = g_busybox.string() + " ip link set lo up && exec \"$@\"";
        execlp("unshare", "unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private",
               g_busybox.c_str(), "sh", "-c", lo_up.c_str(), "sh", g_agent.c_str(), "--transport=stdio", "--no-pid1",
               rootfs.c_str(), tag.c_str(), state.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      execlp("unshare", "unshare", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private", g_agent.c_str(),
             "--transport=stdio", "--no-pid1", rootfs.c_str(), tag.c_str(), state.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(sv[1]);
    fd_ = sv[0];
  }
  ~Session() {
    if (fd_ >= 0) close(fd_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void send(const std::string& frame) { REQUIRE(write(fd_, frame.data(), frame.size()) == static_cast<ssize_t>(frame.size())); }
  void send(ap::MessageType type, uint32_t stream, const std::string& payload) { send(ap::encode_frame(type, stream, payload)); }

  // Next frame that is not STDOUT/STDERR (those are collected per handle).
  ap::Frame next(int timeout_ms = 10000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      while (!pending_.empty()) {
        ap::Event e = std::move(pending_.front());
        pending_.erase(pending_.begin());
        auto* frame = std::get_if<ap::Frame>(&e);
        if (frame == nullptr) {
          MESSAGE("console text: " << std::get<ap::ConsoleText>(e).bytes);
          continue;
        }
        if (frame->type == ap::MessageType::kStdout || frame->type == ap::MessageType::kStderr) {
          Output& o = outputs_[frame->stream];
          const bool is_out = frame->type == ap::MessageType::kStdout;
          if (frame->payload.empty()) (is_out ? o.out_eof : o.err_eof) = true;
          (is_out ? o.out : o.err) += frame->payload;
          continue;
        }
        return *frame;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
      REQUIRE_MESSAGE(left > 0, "timed out waiting for a frame");
      pollfd p{fd_, POLLIN, 0};
      REQUIRE(poll(&p, 1, static_cast<int>(left)) >= 0);
      if (p.revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fd_, buffer, sizeof buffer);
      REQUIRE_MESSAGE(n > 0, "the agent closed the channel");
      decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)), pending_);
    }
  }

  ap::Frame expect(ap::MessageType type, uint32_t stream) {
    ap::Frame f = next();
    INFO("got " << ap::type_name(f.type) << " on " << f.stream << ": " << f.payload);
    CHECK(f.type == type);
    CHECK(f.stream == stream);
    return f;
  }

  const Output& output(uint32_t handle) { return outputs_[handle]; }

  int shutdown() {
    send(ap::MessageType::kShutdown, 0, "");
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  ap::Decoder decoder_;
  std::vector<ap::Event> pending_;
  std::map<uint32_t, Output> outputs_;
};

json create_payload(const std::string& container, json process, json linux_section = json::object(),
                    json mounts = json::array()) {
  if (!process.contains("cwd")) process["cwd"] = "/";
  if (!process.contains("env")) process["env"] = {"PATH=/bin"};
  return {{"container", container}, {"rootfs", {{"tag", "rootfs"}, {"readonly", false}}}, {"hostname", container},
          {"process", process}, {"mounts", mounts}, {"linux", linux_section}};
}

json proc_mount() { return {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}, {"options", json::array()}}; }

void create_and_start(Session& s, uint32_t handle, const json& payload) {
  s.send(ap::MessageType::kCreate, handle, payload.dump());
  const auto created = s.expect(ap::MessageType::kCreated, handle);
  CHECK(ap::parse_process_pid(created.payload).pid > 0);
  s.send(ap::MessageType::kStart, handle, "");
  s.expect(ap::MessageType::kStarted, handle);
}

ap::Exit expect_exit(Session& s, uint32_t handle) {
  const auto f = s.expect(ap::MessageType::kExit, handle);
  const auto& o = s.output(handle);
  CHECK(o.out_eof);  // EXIT comes after the EOF of both streams
  CHECK(o.err_eof);
  return ap::parse_exit(f.payload);
}

}  // namespace

TEST_CASE("HELLO, then a process as uid 1000 with an rlimit, mounts and an exit code") {
  Scratch scratch;
  Session s(scratch);
  const auto hello = ap::parse_hello(s.expect(ap::MessageType::kHello, 0).payload);
  CHECK(hello.version == ap::kProtocolVersion);

  json process = {{"args", {"sh", "-c", "echo hi; id -u; id -G; ulimit -n; hostname; cat /mnt/share/hello.txt; "
                                        "echo err >&2; echo x > /dev/null && echo devnull-ok; exit 3"}},
                  {"user", {{"uid", 1000}, {"gid", 1000}, {"additionalGids", {1001, 1002}}}},
                  {"env", {"PATH=/bin", "GREETING=hello"}},
                  {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"hard", 100}, {"soft", 100}}}}};
  json mounts = {proc_mount(),
                 {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"nosuid", "mode=755"}}},
                 {{"destination", "/mnt/share"}, {"type", "9p"}, {"tag", "m0"}, {"options", {"rbind", "ro"}}}};
  create_and_start(s, 1, create_payload("t1", process, json::object(), mounts));
  const auto exit = expect_exit(s, 1);
  CHECK(exit.status == 3);
  CHECK_FALSE(exit.signal);
  CHECK(s.output(1).out == "hi\n1000\n1000 1001 1002\n100\nt1\nfrom m0\ndevnull-ok\n");
  CHECK(s.output(1).err == "err\n");
  CHECK(WIFEXITED(s.shutdown()));
}

TEST_CASE("SIGNAL 9 ends a process with status 137; EXEC joins a running container") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);
  create_and_start(s, 1, create_payload("sleeper", {{"args", {"sleep", "100"}}}, json::object(), json::array({proc_mount()})));

  json exec = {{"container", "sleeper"}, {"process", {{"args", {"sh", "-c", "hostname; ls /proc/1 >/dev/null; echo in"}},
                                                       {"cwd", "/"}, {"env", {"PATH=/bin"}}}}};
  s.send(ap::MessageType::kExec, 2, exec.dump());
  s.expect(ap::MessageType::kStarted, 2);
  CHECK(expect_exit(s, 2).status == 0);
  CHECK(s.output(2).out == "sleeper\nin\n");

  s.send(ap::MessageType::kSignal, 1, ap::to_json_payload(ap::Signal{9, false}));
  const auto exit = expect_exit(s, 1);
  CHECK(exit.status == 137);
  CHECK(exit.signal == 9);
  s.shutdown();
}

TEST_CASE("seccomp errno rule, capabilities and a stdin round trip") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);

  json seccomp = {{"defaultAction", "SCMP_ACT_ALLOW"},
                  {"architectures", {"SCMP_ARCH_X86_64"}},
                  {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}}}}};
  create_and_start(s, 1, create_payload("sc", {{"args", {"sh", "-c", "mkdir /x; echo rc=$?"}}}, {{"seccomp", seccomp}}));
  CHECK(expect_exit(s, 1).status == 0);
  CHECK(s.output(1).out == "rc=1\n");
  CHECK(s.output(1).err.find("Operation not permitted") != std::string::npos);

  json caps = {{"bounding", {"CAP_CHOWN", "CAP_KILL"}}, {"effective", {"CAP_CHOWN", "CAP_KILL"}},
               {"permitted", {"CAP_CHOWN", "CAP_KILL"}}};
  create_and_start(s, 2,
                   create_payload("caps", {{"args", {"sh", "-c", "grep -E '^Cap(Eff|Bnd)' /proc/self/status"}},
                                           {"capabilities", caps}},
                                  json::object(), json::array({proc_mount()})));
  CHECK(expect_exit(s, 2).status == 0);
  CHECK(s.output(2).out == "CapEff:\t0000000000000021\nCapBnd:\t0000000000000021\n");

  s.send(ap::MessageType::kCreate, 3, create_payload("cat", {{"args", {"cat"}}}).dump());
  s.expect(ap::MessageType::kCreated, 3);
  s.send(ap::MessageType::kStart, 3, "");
  s.expect(ap::MessageType::kStarted, 3);
  s.send(ap::MessageType::kStdin, 3, "echo me\n");
  s.send(ap::MessageType::kStdin, 3, "");
  CHECK(expect_exit(s, 3).status == 0);
  CHECK(s.output(3).out == "echo me\n");
  s.shutdown();
}

TEST_CASE("user, ambient capabilities, noNewPrivileges, rlimits and a seccomp errnoRet together") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);
  const json caps_set = {"CAP_CHOWN", "CAP_KILL"};
  json process = {{"args", {"sh", "-c", "id -u; id -G; ulimit -n; grep CapEff /proc/self/status; mkdir /tmp/d; echo rc=$?"}},
                  {"user", {{"uid", 1000}, {"gid", 1001}, {"additionalGids", {10, 20}}}},
                  {"env", {"PATH=/bin", "FOO=bar baz"}},
                  {"cwd", "/"},
                  {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"soft", 1234}, {"hard", 2345}}}},
                  {"capabilities", {{"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"}},
                                    {"effective", caps_set}, {"permitted", caps_set},
                                    {"inheritable", caps_set}, {"ambient", caps_set}}},
                  {"noNewPrivileges", true}};
  json seccomp = {{"defaultAction", "SCMP_ACT_ALLOW"},
                  {"architectures", {"SCMP_ARCH_X86_64"}},
                  {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}}}};
  create_and_start(s, 1, create_payload("all", process, {{"seccomp", seccomp}}, json::array({proc_mount()})));
  CHECK(expect_exit(s, 1).status == 0);
  CHECK(s.output(1).out == "1000\n1001 10 20\n1234\nCapEff:\t0000000000000021\nrc=1\n");
  s.shutdown();
}

TEST_CASE("setup errors come back at CREATE as ERROR frames") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);
  s.send(ap::MessageType::kCreate, 1, create_payload("bad", {{"args", {"no-such-program"}}}).dump());
  const auto error = ap::parse_error_report(s.expect(ap::MessageType::kError, 1).payload);
  CHECK(error.step == "find executable");
  CHECK(error.errno_value == ENOENT);
  CHECK(error.message.find("no-such-program") != std::string::npos);

  s.send(ap::MessageType::kCreate, 2, create_payload("bad2", {{"args", {"sh"}}, {"cwd", "relative"}}).dump());
  s.expect(ap::MessageType::kError, 2);  // rejected by the spec parser (cwd must be absolute)

  s.send(ap::MessageType::kStart, 9, "");
  s.expect(ap::MessageType::kError, 9);
  s.shutdown();
}

// The agent runs in this test's network namespace: only requests that change no link are sent.
TEST_CASE("NETWORK: answered on its handle; while it waits for a NIC, other handles are served") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);
  s.send(ap::encode(5, ap::Network{}));
  CHECK(s.expect(ap::MessageType::kNetworkReady, 5).payload == "{}");

  s.send(ap::MessageType::kNetwork, 6, R"({"interfaces":[{"name":"eth0","mac":"nope"}]})");
  const auto error = ap::parse_error_report(s.expect(ap::MessageType::kError, 6).payload);
  CHECK(error.step == "NETWORK");
  CHECK(error.message.find("mac: `nope` is not a MAC address") != std::string::npos);

  // A MAC no link has: the request waits (up to 20 s) while a container runs to its end.
  s.send(ap::encode(7, ap::Network{{{"rz-none", "02:00:00:00:00:99", 1500, {}, {}}}}));
  create_and_start(s, 1, create_payload("quick", {{"args", {"sh", "-c", "echo hi"}}}));
  CHECK(expect_exit(s, 1).status == 0);
  CHECK(s.output(1).out == "hi\n");
  s.shutdown();
}

TEST_CASE("a terminal process gets a pty") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);
  json mounts = {proc_mount(),
                 {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"nosuid"}}},
                 {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
                  {"options", {"newinstance", "ptmxmode=0666"}}}};
  create_and_start(s, 1, create_payload("term", {{"args", {"sh", "-c", "tty >/dev/null && echo is-a-tty"}},
                                                 {"terminal", true}, {"consoleSize", {{"height", 24}, {"width", 80}}}},
                                        json::object(), mounts));
  CHECK(expect_exit(s, 1).status == 0);
  CHECK(s.output(1).out.find("is-a-tty") != std::string::npos);
  s.shutdown();
}

int main(int argc, char** argv) {
  if (geteuid() != 0) {
    std::fprintf(stderr, "skipped: the agent integration test needs root (mount namespaces, setuid)\n");
    return 77;
  }
  const char* agent = std::getenv("RUNZ_AGENT");
  g_agent = agent != nullptr ? agent : "guest/runz-agent";
  g_busybox = "/bin/busybox";
  if (!fs::exists(g_agent) || !fs::exists(g_busybox) || system("command -v unshare >/dev/null") != 0) {
    std::fprintf(stderr, "skipped: needs runz-agent (RUNZ_AGENT), /bin/busybox (busybox-static) and unshare\n");
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

TEST_CASE("a pod's further container is PID 1 of its own PID namespace, and EXEC joins that namespace") {
  Scratch scratch;
  Session s(scratch);
  s.expect(ap::MessageType::kHello, 0);
  create_and_start(s, 1, create_payload("sandbox", {{"args", {"sleep", "100"}}}, json::object(), json::array({proc_mount()})));
  json member = create_payload("member", {{"args", {"sh", "-c", "echo pid=$$; exec sleep 100"}}}, json::object(),
                               json::array({proc_mount()}));
  member["pidNamespace"] = true;
  create_and_start(s, 2, member);

  // its /proc shows its own namespace only: sleep (1), the exec'd sh, ls and grep. It waits for PID 1 to be
  // sleep: the member has then printed its pid (a loaded machine may not have run it yet).
  json exec = {{"container", "member"},
               {"process", {{"args", {"sh", "-c", "while [ \"$(cat /proc/1/comm)\" != sleep ]; do sleep 0.1; done; "
                                                   "echo $$; ls /proc | grep -c '^[0-9]'"}},
                            {"cwd", "/"}, {"env", {"PATH=/bin"}}}}};
  s.send(ap::MessageType::kExec, 3, exec.dump());
  s.expect(ap::MessageType::kStarted, 3);
  CHECK(expect_exit(s, 3).status == 0);
  const std::string out = s.output(3).out;
  const size_t newline = out.find('\n');
  REQUIRE(newline != std::string::npos);
  CHECK(std::stoi(out.substr(0, newline)) > 1);
  CHECK(std::stoi(out.substr(newline + 1)) <= 4);

  s.send(ap::MessageType::kSignal, 2, ap::to_json_payload(ap::Signal{9, false}));
  CHECK(expect_exit(s, 2).status == 137);
  CHECK(s.output(2).out == "pid=1\n");
  // the sandbox, in the agent's namespace, is untouched
  json in_sandbox = {{"container", "sandbox"}, {"process", {{"args", {"echo", "still"}}, {"cwd", "/"}, {"env", {"PATH=/bin"}}}}};
  s.send(ap::MessageType::kExec, 4, in_sandbox.dump());
  s.expect(ap::MessageType::kStarted, 4);
  CHECK(expect_exit(s, 4).status == 0);
  CHECK(s.output(4).out == "still\n");
  s.send(ap::MessageType::kSignal, 1, ap::to_json_payload(ap::Signal{9, false}));
  CHECK(expect_exit(s, 1).status == 137);
  s.shutdown();
}

namespace {

// What Docker's embedded DNS would answer to `query`: the question, and for an A question one record with
// `ipv4`; other questions (AAAA) get no record. Header flags: a response, recursion desired and available.
std::string dns_answer(const std::string& query, std::array<uint8_t, 4> ipv4) {
  REQUIRE(query.size() >= 12);
  size_t end = 12;
  while (end < query.size() && query[end] != 0) end += 1 + static_cast<uint8_t>(query[end]);  // the QNAME's labels
  REQUIRE(end + 5 <= query.size());
  const bool type_a = query[end + 1] == 0 && query[end + 2] == 1;
  std::string answer = query.substr(0, end + 5);
  answer[2] = static_cast<char>(0x81);
  answer[3] = static_cast<char>(0x80);
  answer[6] = 0;
  answer[7] = type_a ? 1 : 0;  // ANCOUNT
  for (size_t i = 8; i < 12; ++i) answer[i] = 0;  // NSCOUNT, ARCOUNT
  if (type_a) {
    answer += std::string("\xC0\x0C\x00\x01\x00\x01\x00\x00\x00\x3C\x00\x04", 12);  // the QNAME, A, IN, TTL 60
    for (uint8_t b : ipv4) answer += static_cast<char>(b);
  }
  return answer;
}

// The scratch rootfs with /etc/resolv.conf holding `text`.
const Scratch& with_resolv_conf(const Scratch& scratch, const std::string& text) {
  fs::create_directories(scratch.dir / "rootfs/etc");
  std::ofstream(scratch.dir / "rootfs/etc/resolv.conf") << text;
  return scratch;
}

}  // namespace

// The agent's network namespace stands in for the zone's: 127.0.0.11 is its own loopback, as in a zone.
// As under Docker: resolv.conf names the host's servers at CREATED and libnetwork's prestart hook, which the
// runtime runs between CREATED and START, rewrites it in place to name its embedded DNS.
TEST_CASE("DNS: a container whose resolv.conf names 127.0.0.11 resolves through DNS_QUERY and DNS_ANSWER") {
  Scratch scratch;
  Session s(with_resolv_conf(scratch, "nameserver 10.0.0.53\n"), true);
  s.expect(ap::MessageType::kHello, 0);
  s.send(ap::MessageType::kCreate, 1, create_payload("dns", {{"args", {"nslookup", "web"}}}).dump());
  int queries = 0;
  std::string log;
  for (;;) {
    const ap::Frame f = s.next(20000);
    if (f.type == ap::MessageType::kLog) {  // the forwarder's start, at START
      log += f.payload + "\n";
      continue;
    }
    if (f.type == ap::MessageType::kCreated) {
      std::ofstream(scratch.dir / "rootfs/etc/resolv.conf", std::ios::trunc) << "nameserver 127.0.0.11\noptions ndots:0\n";
      s.send(ap::MessageType::kStart, 1, "");
      continue;
    }
    if (f.type == ap::MessageType::kStarted) continue;
    if (f.type == ap::MessageType::kDnsQuery) {
      ++queries;
      const ap::DnsMessage query = ap::parse_dns_message(f.type, f.payload);
      CHECK(f.stream == ap::kZoneStream);
      CHECK(query.message.find("\x03web\x00", 12) == 12);
      s.send(ap::encode_dns(ap::MessageType::kDnsAnswer, ap::DnsMessage{query.id, dns_answer(query.message, {10, 1, 2, 3})}));
      continue;
    }
    INFO("got " << ap::type_name(f.type) << " on " << f.stream << ": " << f.payload);
    REQUIRE(f.type == ap::MessageType::kExit);
    break;
  }
  INFO("stdout: " << s.output(1).out << "stderr: " << s.output(1).err << "agent log: " << log);
  CHECK(queries >= 1);
  CHECK(log.find("dns: forwarding 127.0.0.11:53 (udp) to the host") != std::string::npos);
  CHECK(s.output(1).out.find("Address: 10.1.2.3") != std::string::npos);
  s.shutdown();
}

TEST_CASE("DNS: without 127.0.0.11 in resolv.conf the agent does not listen there") {
  Scratch scratch;
  Session s(with_resolv_conf(scratch, "nameserver 10.0.0.53\n"), true);
  s.expect(ap::MessageType::kHello, 0);
  create_and_start(s, 1, create_payload("nodns", {{"args", {"sh", "-c", "nslookup web 127.0.0.11; echo done"}}}));
  for (;;) {
    const ap::Frame f = s.next(30000);
    INFO("got " << ap::type_name(f.type) << " on " << f.stream << ": " << f.payload);
    CHECK(f.type != ap::MessageType::kDnsQuery);
    if (f.type == ap::MessageType::kExit) break;
  }
  CHECK(s.output(1).out.find("done") != std::string::npos);
  CHECK(s.output(1).out.find("Address: 10.") == std::string::npos);
  s.shutdown();
}
