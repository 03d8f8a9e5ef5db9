// The agent session against a fake agent over a socket pair: no Xen, no zone.
#include "xen/agent_session.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent-proto/decoder.hpp"
#include "agent-proto/dns_message.hpp"
#include "agent-proto/messages.hpp"
#include "common/error.hpp"
#include "common/fd.hpp"
#include "net/fake_dns_server.hpp"

using namespace std::chrono_literals;
using runz::UniqueFd;
using runz::xen::AgentSession;
using runz::xen::AgentSessionOptions;
using runz::xen::ByteChannel;
using runz::xen::kMainHandle;
namespace ap = runz::agent_proto;
namespace zone = runz::zone;

namespace {

// What the tests turn on the host end of the channel.
struct ChannelControls {
  std::atomic<bool> stalled{false};  // write_some takes nothing
  std::atomic<size_t> read_chunk{4096};  // read_available hands out at most this much per call
};

// The session's end of a socket pair.
class SocketChannel final : public ByteChannel {
 public:
  SocketChannel(UniqueFd fd, std::shared_ptr<ChannelControls> controls)
      : fd_(std::move(fd)), controls_(std::move(controls)) {}
  int fd() const override { return fd_.get(); }
  void handle_event() override {}
  size_t read_available(std::span<std::byte> dst) override {
    const ssize_t r = ::recv(fd_.get(), dst.data(), std::min(dst.size(), controls_->read_chunk.load()), MSG_DONTWAIT);
    return r > 0 ? static_cast<size_t>(r) : 0;
  }
  size_t write_some(std::span<const std::byte> data) override {
    if (controls_->stalled) return 0;
    const ssize_t r = ::send(fd_.get(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    return r > 0 ? static_cast<size_t>(r) : 0;
  }
  std::string diagnostics() const override { return "test socket"; }

 private:
  UniqueFd fd_;
  std::shared_ptr<ChannelControls> controls_;
};

// A zone kernel that keeps its console ring full: every read finds more text (up to `limit` bytes in all, so
// a pump that reads until the ring is empty still ends, and the test fails rather than hangs).
class FloodChannel final : public ByteChannel {
 public:
  explicit FloodChannel(size_t limit) : limit_(limit) { REQUIRE(event_.valid()); }
  int fd() const override { return event_.get(); }  // never signalled: the ring never empties to raise one
  void handle_event() override {}
  size_t read_available(std::span<std::byte> dst) override {
    const size_t n = std::min(dst.size(), limit_ - produced.load());
    for (size_t i = 0; i < n; ++i) dst[i] = static_cast<std::byte>(i % 64 == 63 ? '\n' : 'x');  // no frame magic
    produced += n;
    return n;
  }
  size_t write_some(std::span<const std::byte> data) override { return data.size(); }
  std::string diagnostics() const override { return "flood"; }

  std::atomic<size_t> produced{0};

 private:
  const size_t limit_;
  UniqueFd event_{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
};

// The zone's agent as far as the session can tell: decodes the host's frames, records them and answers
// through `answer` (on its own thread). CREATE, START and EXEC get CREATED/STARTED unless `answer` says
// it handled the frame.
class FakeAgent {
 public:
  using Answer = std::function<bool(FakeAgent&, const ap::Frame&)>;

  FakeAgent(UniqueFd fd, Answer answer) : fd_(std::move(fd)), answer_(std::move(answer)) {
    stop_.reset(::eventfd(0, EFD_CLOEXEC));
    REQUIRE(stop_.valid());
    thread_ = std::thread([this] { run(); });
  }
  ~FakeAgent() {
    uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);
    thread_.join();
  }

  // Whole frames, or one byte per write when split_writes is set.
  void send(std::string_view bytes) {
    std::lock_guard lock(write_mutex_);
    if (!split_writes) {
      runz::write_all(fd_.get(), bytes, "agent write");
      return;
    }
    for (char c : bytes) {
      runz::write_all(fd_.get(), std::string_view(&c, 1), "agent write");
      std::this_thread::sleep_for(50us);
    }
  }
  void send(ap::MessageType type, uint32_t stream, std::string_view payload) {
    send(ap::encode_frame(type, stream, payload));
  }
  void hello(bool console_sysrq = false) {
    ap::Hello h;
    h.kernel = "test";
    h.console_sysrq = console_sysrq;
    send(ap::encode(ap::kZoneStream, h));
  }

  // Waits until a frame matching `pred` arrived; returns it.
  ap::Frame wait_frame(const std::function<bool(const ap::Frame&)>& pred) {
    std::unique_lock lock(mutex_);
    std::optional<ap::Frame> found;
    cv_.wait_for(lock, 10s, [&] {
      for (const auto& f : received_)
        if (pred(f)) found = f;
      return found.has_value();
    });
    REQUIRE(found.has_value());
    return *found;
  }
  std::vector<ap::Frame> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // The keys that followed a single ^O (what the zone kernel takes as SysRq).
  std::string sysrq_keys() {
    std::lock_guard lock(mutex_);
    return sysrq_;
  }

  std::atomic<bool> split_writes{false};
  // What a zone kernel with SysRq on hvc0 does to the input (agent_proto::Hello::console_sysrq): ^O ^O
  // arrives as one ^O, ^O and another byte as nothing (a SysRq key).
  std::atomic<bool> hvc_sysrq{false};

 private:
  void run() {
    ap::Decoder decoder;
    std::array<char, 4096> buf{};
    while (runz::wait_readable(fd_.get(), std::nullopt, stop_.get())) {
      const ssize_t n = ::read(fd_.get(), buf.data(), buf.size());
      if (n <= 0) return;
      for (const ap::Event& ev : decoder.feed(through_hvc(std::string_view(buf.data(), static_cast<size_t>(n))))) {
        const auto* frame = std::get_if<ap::Frame>(&ev);
        if (frame == nullptr) continue;
        {
          std::lock_guard lock(mutex_);
          received_.push_back(*frame);
        }
        cv_.notify_all();
        if (answer_ && answer_(*this, *frame)) continue;
        answer_by_default(*frame);
      }
    }
  }
  std::string through_hvc(std::string_view bytes) {
    if (!hvc_sysrq) return std::string(bytes);
    std::string out;
    for (char c : bytes) {
      if (after_0f_) {
        after_0f_ = false;
        if (c == '\x0f') {
          out += c;
        } else {
          std::lock_guard lock(mutex_);
          sysrq_ += c;
        }
      } else if (c == '\x0f') {
        after_0f_ = true;
      } else {
        out += c;
      }
    }
    return out;
  }
  void answer_by_default(const ap::Frame& f) {
    using T = ap::MessageType;
    const int32_t pid = static_cast<int32_t>(100 + f.stream);
    if (f.type == T::kCreate) send(ap::encode(T::kCreated, f.stream, ap::ProcessPid{pid}));
    if (f.type == T::kStart || f.type == T::kExec) send(ap::encode(T::kStarted, f.stream, ap::ProcessPid{pid}));
  }

  UniqueFd fd_;
  UniqueFd stop_;
  Answer answer_;
  std::mutex write_mutex_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<ap::Frame> received_;
  std::string sysrq_;
  bool after_0f_ = false;  // agent thread
  std::thread thread_;
};

// The stdio a test hands over, with the ends it keeps.
struct TestStdio {
  zone::ZoneStdio given;
  UniqueFd in, out, err;  // in: what the test writes; out/err: what it reads
};

TestStdio make_stdio() {
  TestStdio s;
  auto [in_r, in_w] = runz::make_pipe();
  auto [out_r, out_w] = runz::make_pipe();
  auto [err_r, err_w] = runz::make_pipe();
  s.given.in = std::move(in_r);
  s.given.out = std::move(out_w);
  s.given.err = std::move(err_w);
  s.in = std::move(in_w);
  s.out = std::move(out_r);
  s.err = std::move(err_r);
  return s;
}

// Everything until end of file (the session closed its end).
std::string read_to_eof(const UniqueFd& fd) {
  std::string all;
  std::array<char, 1024> buf{};
  while (runz::wait_readable(fd.get(), 10s)) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n <= 0) return all;
    all.append(buf.data(), static_cast<size_t>(n));
  }
  FAIL("no end of file within 10 s; got " << all);
  return all;
}

// A session and its agent over one socket pair.
struct Harness {
  explicit Harness(FakeAgent::Answer answer = {}, std::chrono::seconds request_timeout = 10s,
                   std::optional<sockaddr_in> dns_server = std::nullopt) {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    agent = std::make_unique<FakeAgent>(UniqueFd(sv[1]), std::move(answer));
    stdio = make_stdio();
    AgentSessionOptions o;
    o.name = "zone \"test\"";
    o.hello_timeout = request_timeout;
    o.request_timeout = request_timeout;
    o.task_dump_wait = 10ms;
    o.main_stdio = std::move(stdio.given);
    o.console_sink = [this](std::string_view text) {
      std::lock_guard lock(console_mutex);
      console += text;
    };
    o.end_fd = end_event.get();
    o.end_check = [this]() -> std::optional<std::string> {
      if (ended) return "the test ended it";
      return std::nullopt;
    };
    o.dns_server = dns_server;
    session = std::make_unique<AgentSession>(std::make_unique<SocketChannel>(UniqueFd(sv[0]), controls),
                                             std::move(o));
  }
  ~Harness() {
    session.reset();  // before the agent: the pump must not see its end of the socket close
  }
  std::string console_text() {
    std::lock_guard lock(console_mutex);
    return console;
  }
  void end() {
    ended = true;
    uint64_t one = 1;
    (void)!::write(end_event.get(), &one, sizeof one);
  }

  std::shared_ptr<ChannelControls> controls = std::make_shared<ChannelControls>();
  std::unique_ptr<FakeAgent> agent;
  TestStdio stdio;
  UniqueFd end_event{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
  std::atomic<bool> ended{false};
  std::mutex console_mutex;
  std::string console;
  std::unique_ptr<AgentSession> session;
};

ap::Create create_for(const std::string& container) {
  ap::Create c;
  c.container = container;
  c.process.args = {"/bin/true"};
  return c;
}

runz::spec::Process process_args(std::vector<std::string> args) {
  runz::spec::Process p;
  p.args = std::move(args);
  return p;
}

bool is(const ap::Frame& f, ap::MessageType type, uint32_t stream) { return f.type == type && f.stream == stream; }

// The main process created and started (CREATED with pid 101 by the default answers).
void create_and_start(Harness& h) {
  h.agent->hello();
  h.session->wait_hello();
  CHECK(h.session->create(kMainHandle, create_for("c1")) == 101);
  CHECK(h.session->start(kMainHandle) > 0);
}

}  // namespace

TEST_CASE("HELLO, CREATE/CREATED and START/STARTED; the main process's output reaches its stdio") {
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (!is(f, ap::MessageType::kStart, kMainHandle)) return false;
    agent.send(ap::encode(ap::MessageType::kStarted, kMainHandle, ap::ProcessPid{7}));
    agent.send(ap::MessageType::kStdout, kMainHandle, "hello\n");
    agent.send(ap::MessageType::kStderr, kMainHandle, "oops");
    agent.send(ap::MessageType::kStdout, kMainHandle, "");
    agent.send(ap::MessageType::kStderr, kMainHandle, "");
    agent.send(ap::encode(kMainHandle, ap::Exit{3, std::nullopt}));
    return true;
  });
  h.agent->hello();
  h.session->wait_hello();
  CHECK(h.session->main_state() == AgentSession::MainState::kNotStarted);
  CHECK(h.session->create(kMainHandle, create_for("c1")) == 101);
  const ap::Frame create = h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kCreate; });
  CHECK(create.stream == kMainHandle);
  CHECK(ap::parse_create(create.payload).container == "c1");
  CHECK(h.session->start(kMainHandle) == 7);
  CHECK(read_to_eof(h.stdio.out) == "hello\n");
  CHECK(read_to_eof(h.stdio.err) == "oops");
  const zone::ZoneExit exit = h.session->wait_exit();
  CHECK(exit.status == 3);
  CHECK_FALSE(exit.signal.has_value());
  CHECK(h.session->main_state() == AgentSession::MainState::kGone);
}

TEST_CASE("frames split across reads: the agent writes a byte at a time, the session reads a byte at a time") {
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (!is(f, ap::MessageType::kStart, kMainHandle)) return false;
    agent.send(ap::encode(ap::MessageType::kStarted, kMainHandle, ap::ProcessPid{9}));
    agent.send(ap::MessageType::kStdout, kMainHandle, "split output");
    agent.send(ap::MessageType::kStdout, kMainHandle, "");
    return true;
  });
  h.agent->split_writes = true;
  h.controls->read_chunk = 1;
  h.agent->send("kernel: booting\n");
  create_and_start(h);
  CHECK(read_to_eof(h.stdio.out) == "split output");
  CHECK(h.console_text() == "kernel: booting\n");
}

TEST_CASE("interleaved handles: an exec'd process's output and EXIT beside the main process's") {
  std::atomic<int> exits{0};
  std::optional<zone::ZoneExit> exec_exit;
  std::mutex exit_mutex;
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (f.type != ap::MessageType::kExec) return false;
    agent.send(ap::encode(ap::MessageType::kStarted, f.stream, ap::ProcessPid{42}));
    for (int i = 0; i < 3; ++i) {
      agent.send(ap::MessageType::kStdout, kMainHandle, "main" + std::to_string(i) + " ");
      agent.send(ap::MessageType::kStdout, f.stream, "exec" + std::to_string(i) + " ");
    }
    agent.send(ap::MessageType::kStdout, f.stream, "");
    agent.send(ap::MessageType::kStdout, kMainHandle, "");
    agent.send(ap::encode(f.stream, ap::Exit{128 + 15, 15}));
    return true;
  });
  create_and_start(h);
  TestStdio exec_stdio = make_stdio();
  const zone::ExecStarted started =
      h.session->exec("c1", process_args({"/bin/sh"}), std::move(exec_stdio.given), [&](zone::ZoneExit e) {
        std::lock_guard lock(exit_mutex);
        exec_exit = e;
        ++exits;
      });
  CHECK(started.handle == kMainHandle + 1);
  CHECK(started.pid == 42);
  const ap::Exec exec = ap::parse_exec(
      h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kExec; }).payload);
  CHECK(exec.container == "c1");
  CHECK(exec.process.args == std::vector<std::string>{"/bin/sh"});
  CHECK(read_to_eof(exec_stdio.out) == "exec0 exec1 exec2 ");
  CHECK(read_to_eof(h.stdio.out) == "main0 main1 main2 ");
  for (int i = 0; i < 1000 && exits == 0; ++i) std::this_thread::sleep_for(10ms);
  std::lock_guard lock(exit_mutex);
  REQUIRE(exec_exit.has_value());
  CHECK(exec_exit->status == 128 + 15);
  CHECK(exec_exit->signal == 15);
  CHECK_FALSE(h.session->has_process(started.handle));
}

TEST_CASE("a stalled channel: the request times out naming what it awaited and the channel's counters") {
  Harness h({}, 1s);
  h.agent->hello();
  h.session->wait_hello();
  h.controls->stalled = true;
  try {
    h.session->create(kMainHandle, create_for("c1"));
    FAIL("create returned");
  } catch (const runz::Error& e) {
    const std::string what = e.what();
    CHECK(e.code() == ETIMEDOUT);
    CHECK(what.find("waiting for CREATED for the container process: timed out after 1 s") != std::string::npos);
    CHECK(what.find("not yet in the ring") != std::string::npos);
    CHECK(what.find("test socket") != std::string::npos);
  }
}

TEST_CASE("a stalled agent: a timed-out request asks the zone kernel for a task dump, ^O doubled after HELLO") {
  Harness h([](FakeAgent&, const ap::Frame& f) { return f.type == ap::MessageType::kExec; }, 1s);
  h.agent->hvc_sysrq = true;
  h.agent->hello(true);
  h.session->wait_hello();
  CHECK(h.session->create(kMainHandle, create_for("c\x0f")) == 101);  // its ^O crossed the kernel doubled
  CHECK(h.session->start(kMainHandle) == 101);
  CHECK_THROWS_WITH_AS(h.session->exec("c1", process_args({"/bin/sh"}), zone::ZoneStdio{}, {}),
                       doctest::Contains("waiting for STARTED for process 2: timed out after 1 s"), runz::Error);
  CHECK_FALSE(h.session->has_process(2));
  // The request's wait for the dump is short here (10 ms): on a loaded machine the keys may cross later.
  for (int i = 0; i < 500 && h.agent->sysrq_keys().size() < 3; ++i) std::this_thread::sleep_for(10ms);
  CHECK(h.agent->sysrq_keys() == "9t1");  // console log level 9, dump tasks, level 1 again
}

TEST_CASE("a malformed frame fails what waits and ends the main process as killed") {
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (f.type != ap::MessageType::kCreate) return false;
    agent.send(std::string("\x52\x5a\x01garbage that only looks like a header\n"));
    agent.send(ap::MessageType::kCreated, f.stream, "{not json");
    return true;
  });
  h.agent->hello();
  h.session->wait_hello();
  CHECK_THROWS_WITH_AS(h.session->create(kMainHandle, create_for("c1")),
                       doctest::Contains("waiting for CREATED for the container process: console pump: "),
                       runz::Error);
  const zone::ZoneExit exit = h.session->wait_exit();
  CHECK(exit.status == 128 + 9);
  CHECK(exit.signal == 9);
  CHECK(h.console_text().find("garbage that only looks like a header") != std::string::npos);
}

TEST_CASE("the agent's ERROR fails the request of its handle; a zone-level ERROR fails the HELLO wait") {
  SUBCASE("for an exec'd process, which then never gets on_exit") {
    bool called = false;
    Harness h([](FakeAgent& agent, const ap::Frame& f) {
      if (f.type != ap::MessageType::kExec) return false;
      agent.send(ap::encode(f.stream, ap::ErrorReport{"exec", ENOENT, "no such file"}));
      return true;
    });
    create_and_start(h);
    try {
      h.session->exec("c1", process_args({"/nope"}), zone::ZoneStdio{}, [&](zone::ZoneExit) { called = true; });
      FAIL("exec returned");
    } catch (const runz::Error& e) {
      CHECK(std::string(e.what()) == "zone agent: exec: no such file");
      CHECK(e.code() == ENOENT);
    }
    CHECK_FALSE(h.session->has_process(kMainHandle + 1));
    CHECK(h.session->main_state() == AgentSession::MainState::kRunning);
    h.session.reset();
    CHECK_FALSE(called);
  }
  SUBCASE("on stream 0") {
    Harness h;
    h.agent->send(ap::encode(ap::kZoneStream, ap::ErrorReport{"mount", EIO, "no rootfs"}));
    CHECK_THROWS_WITH_AS(h.session->wait_hello(), "zone agent: mount: no rootfs", runz::Error);
  }
}

TEST_CASE("stdin is relayed once the process started, then its end of file") {
  Harness h;
  h.agent->hello();
  h.session->wait_hello();
  REQUIRE(::write(h.stdio.in.get(), "early", 5) == 5);
  CHECK(h.session->create(kMainHandle, create_for("c1")) == 101);
  std::this_thread::sleep_for(100ms);
  for (const ap::Frame& f : h.agent->received()) CHECK(f.type != ap::MessageType::kStdin);
  CHECK(h.session->start(kMainHandle) == 101);
  REQUIRE(::write(h.stdio.in.get(), " late", 5) == 5);
  h.stdio.in.reset();
  h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kStdin && f.payload.empty(); });
  std::string input;
  for (const ap::Frame& f : h.agent->received()) {
    if (f.type != ap::MessageType::kStdin) continue;
    CHECK(f.stream == kMainHandle);
    input += f.payload;
  }
  CHECK(input == "early late");
}

TEST_CASE("signals, and the session's end: waits fail with its reason, started execs get 128+9") {
  Harness h([](FakeAgent&, const ap::Frame& f) { return f.type == ap::MessageType::kStart && f.stream != kMainHandle; });
  create_and_start(h);
  h.session->signal(kMainHandle, SIGTERM, true);
  const ap::Frame sig = h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kSignal; });
  CHECK(ap::parse_signal(sig.payload) == ap::Signal{SIGTERM, true});

  std::vector<int> exits;
  std::mutex exits_mutex;
  auto record = [&](zone::ZoneExit e) {
    std::lock_guard lock(exits_mutex);
    exits.push_back(e.status);
  };
  const zone::ExecStarted exec = h.session->exec("c1", process_args({"/bin/sh"}), zone::ZoneStdio{}, record);
  // a pod container created but not started (its START goes unanswered)
  const uint32_t pod = h.session->reserve_handle();
  h.session->add_process(pod, zone::ZoneStdio{}, record, false);
  CHECK(h.session->create(pod, create_for("member")) == static_cast<int32_t>(100 + pod));
  h.end();
  CHECK_THROWS_WITH_AS(h.session->start(pod), doctest::Contains("the test ended it"), runz::Error);
  CHECK(h.session->wait_exit().status == 128 + 9);
  CHECK(h.session->main_state() == AgentSession::MainState::kGone);
  CHECK_THROWS_WITH_AS(h.session->exec("c1", process_args({"/bin/sh"}), zone::ZoneStdio{}, record),
                       "the container's process has exited", runz::Error);
  CHECK(h.session->has_process(exec.handle));
  h.session.reset();
  CHECK(exits == std::vector<int>{128 + 9, 128 + 9});
}

TEST_CASE("kill_and_remove: SIGKILL to all of a pod container, its EXIT awaited") {
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (f.type != ap::MessageType::kSignal || f.stream == kMainHandle) return false;
    agent.send(ap::encode(f.stream, ap::Exit{128 + 9, 9}));
    return true;
  });
  create_and_start(h);
  std::atomic<int> status{-1};
  const uint32_t pod = h.session->reserve_handle();
  h.session->add_process(pod, zone::ZoneStdio{}, [&](zone::ZoneExit e) { status = e.status; }, false);
  CHECK(h.session->create(pod, create_for("member")) == static_cast<int32_t>(100 + pod));
  CHECK(h.session->start(pod) == static_cast<int32_t>(100 + pod));
  h.session->kill_and_remove(pod, 10s);
  for (int i = 0; i < 1000 && status < 0; ++i) std::this_thread::sleep_for(10ms);  // on_exit runs on the pump
  CHECK(status == 128 + 9);
  CHECK_FALSE(h.session->has_process(pod));
  const ap::Frame kill = h.agent->wait_frame([&](const ap::Frame& f) { return is(f, ap::MessageType::kSignal, pod); });
  CHECK(ap::parse_signal(kill.payload) == ap::Signal{SIGKILL, true});
}

TEST_CASE("a running process's terminal size reaches the agent as RESIZE, and again when it changes") {
  Harness h;
  create_and_start(h);
  UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  REQUIRE(master.valid());
  REQUIRE(::grantpt(master.get()) == 0);
  REQUIRE(::unlockpt(master.get()) == 0);
  auto set_size = [&](unsigned short rows, unsigned short cols) {
    winsize ws{};
    ws.ws_row = rows;
    ws.ws_col = cols;
    REQUIRE(::ioctl(master.get(), TIOCSWINSZ, &ws) == 0);
  };
  set_size(24, 80);
  runz::spec::Process process = process_args({"/bin/sh"});
  process.terminal = true;
  zone::ZoneStdio stdio;
  stdio.out = UniqueFd(::fcntl(master.get(), F_DUPFD_CLOEXEC, 0));
  const zone::ExecStarted exec = h.session->exec("c1", process, std::move(stdio), {});
  auto resize_to = [&](uint32_t rows, uint32_t cols) {
    return [&, rows, cols](const ap::Frame& f) {
      return is(f, ap::MessageType::kResize, exec.handle) && ap::parse_resize(f.payload) == ap::Resize{rows, cols};
    };
  };
  h.agent->wait_frame(resize_to(24, 80));
  set_size(30, 100);
  h.agent->wait_frame(resize_to(30, 100));
}

namespace {

ap::Network network_for_test() {
  return ap::Network{{{"eth0", "02:42:ac:11:00:02", 1500, {"172.17.0.2/16"}, {{"0.0.0.0/0", "172.17.0.1", 0}}}}};
}

// After HELLO, the error configure_network throws; its request's handle is gone after it.
runz::Error network_failure(Harness& h) {
  h.agent->hello();
  h.session->wait_hello();
  try {
    h.session->configure_network(network_for_test());
  } catch (const runz::Error& e) {
    CHECK_FALSE(h.session->has_process(kMainHandle + 1));
    return e;
  }
  FAIL("configure_network returned");
  return runz::Error("unreachable");
}

}  // namespace

TEST_CASE("configure_network: NETWORK on a fresh handle, answered by NETWORK_READY") {
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (f.type != ap::MessageType::kNetwork) return false;
    agent.send(ap::encode_network_ready(f.stream));
    return true;
  });
  create_and_start(h);
  h.session->configure_network(network_for_test());
  const ap::Frame sent = h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kNetwork; });
  CHECK(sent.stream == kMainHandle + 1);
  CHECK(ap::parse_network(sent.payload) == network_for_test());
  CHECK_FALSE(h.session->has_process(sent.stream));
  // the next request gets the next handle; the main process is untouched
  h.session->configure_network(ap::Network{});
  CHECK(h.agent->wait_frame([](const ap::Frame& f) { return f.stream == kMainHandle + 2; }).type ==
        ap::MessageType::kNetwork);
  CHECK(h.session->main_state() == AgentSession::MainState::kRunning);
}

TEST_CASE("configure_network: the agent's ERROR for its handle is the error") {
  Harness h([](FakeAgent& agent, const ap::Frame& f) {
    if (f.type != ap::MessageType::kNetwork) return false;
    agent.send(ap::encode(f.stream, ap::ErrorReport{"network", ETIMEDOUT,
                                                    "eth0: no link with MAC 02:42:ac:11:00:02 appeared within 20 s"}));
    return true;
  });
  const runz::Error e = network_failure(h);
  CHECK(std::string(e.what()) == "zone agent: network: eth0: no link with MAC 02:42:ac:11:00:02 appeared within 20 s");
  CHECK(e.code() == ETIMEDOUT);
}

TEST_CASE("configure_network: no answer times out, naming what it awaited") {
  Harness h([](FakeAgent&, const ap::Frame& f) { return f.type == ap::MessageType::kNetwork; }, 1s);
  const runz::Error e = network_failure(h);
  CHECK(e.code() == ETIMEDOUT);
  CHECK(std::string(e.what()).find("waiting for NETWORK_READY for request 2: timed out after 1 s") != std::string::npos);
}

namespace {

// A session over a FloodChannel whose console sink records how much text it got and in how large pieces.
struct FloodHarness {
  static constexpr size_t kLimit = 128u << 20;

  FloodHarness() {
    auto owned = std::make_unique<FloodChannel>(kLimit);
    channel = owned.get();
    AgentSessionOptions o;
    o.name = "zone \"flood\"";
    o.hello_timeout = 30s;
    o.console_sink = [this](std::string_view text) {
      total += text.size();
      largest = std::max(largest.load(), text.size());
    };
    o.end_check = [this]() -> std::optional<std::string> {
      if (ended) return "the test ended it";
      return std::nullopt;
    };
    session = std::make_unique<AgentSession>(std::move(owned), std::move(o));
  }
  void wait_for_text(size_t bytes) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (total < bytes && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    REQUIRE(total >= bytes);
  }

  FloodChannel* channel = nullptr;  // owned by the session
  std::atomic<size_t> total{0}, largest{0};
  std::atomic<bool> ended{false};
  std::unique_ptr<AgentSession> session;
};

// Bytes one pump round may read (kMaxReadBytesPerRound), plus one read's buffer past it.
constexpr size_t kRoundBound = 64 * 1024 + 4096;

}  // namespace

TEST_CASE("a console that never empties: its text goes on in bounded pieces and the session still stops") {
  FloodHarness h;
  h.wait_for_text(1u << 20);
  const auto before = std::chrono::steady_clock::now();
  h.session.reset();
  CHECK(std::chrono::steady_clock::now() - before < 2s);
  CHECK(h.largest <= kRoundBound);
  CHECK(h.total < FloodHarness::kLimit);  // stopped with the ring still full
}

TEST_CASE("a console that never empties: the end check is still asked and fails what waits") {
  FloodHarness h;
  h.wait_for_text(1u << 20);
  h.ended = true;
  const auto before = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(h.session->wait_hello(), doctest::Contains("the test ended it"), runz::Error);
  CHECK(std::chrono::steady_clock::now() - before < 2s);
  CHECK(h.channel->produced < FloodHarness::kLimit);
  CHECK(h.largest <= kRoundBound);
}

TEST_CASE("the zone's text reaches an error message with its control bytes escaped") {
  SUBCASE("an agent ERROR") {
    Harness h([](FakeAgent& agent, const ap::Frame& f) {
      if (f.type != ap::MessageType::kCreate) return false;
      agent.send(ap::encode(f.stream, ap::ErrorReport{"mount\r\n", EPERM, "\x1b[2Jgone\x07\nforged: line\x7f"}));
      return true;
    });
    h.agent->hello();
    h.session->wait_hello();
    try {
      h.session->create(kMainHandle, create_for("c1"));
      FAIL("create returned");
    } catch (const runz::Error& e) {
      CHECK(std::string(e.what()) == "zone agent: mount\\x0d\\x0a: \\x1b[2Jgone\\x07\\x0aforged: line\\x7f");
    }
  }
  SUBCASE("agent LOG lines and console text in a timeout's note") {
    Harness h([](FakeAgent&, const ap::Frame& f) { return f.type == ap::MessageType::kCreate; }, 1s);
    h.agent->hello();
    h.session->wait_hello();
    h.agent->send(ap::MessageType::kLog, ap::kZoneStream, "\x1b]0;title\x07");
    h.agent->send("\x1b[31mred console\r\n");
    try {
      h.session->create(kMainHandle, create_for("c1"));
      FAIL("create returned");
    } catch (const runz::Error& e) {
      const std::string what = e.what();
      CHECK(what.find("agent log: \\x1b]0;title\\x07") != std::string::npos);
      CHECK(what.find("\\x1b[31mred console\\x0d\\x0a") != std::string::npos);
      CHECK(std::none_of(what.begin(), what.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }));
    }
  }
}

TEST_CASE("DNS_QUERY goes to the DNS server; its answer comes back as DNS_ANSWER under the query's id") {
  runz::net::FakeDnsServer server;
  Harness h({}, 10s, server.address());
  create_and_start(h);
  const std::string query(29, 'q');
  h.agent->send(ap::encode_dns(ap::MessageType::kDnsQuery, ap::DnsMessage{0xA1B2C3D4u, query}));
  CHECK(server.answer_next(std::string(45, 'a')) == query);
  const ap::Frame answer = h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kDnsAnswer; });
  CHECK(answer.stream == ap::kZoneStream);
  CHECK(ap::parse_dns_message(answer.type, answer.payload) == ap::DnsMessage{0xA1B2C3D4u, std::string(45, 'a')});
  CHECK(h.session->main_state() == AgentSession::MainState::kRunning);
}

TEST_CASE("a malformed DNS_QUERY is dropped; the session and later queries carry on") {
  runz::net::FakeDnsServer server;
  Harness h({}, 10s, server.address());
  create_and_start(h);
  h.agent->send(ap::MessageType::kDnsQuery, ap::kZoneStream, "abc");                      // shorter than id + header
  h.agent->send(ap::MessageType::kDnsQuery, ap::kZoneStream, std::string(5000, 'x'));     // longer than id + 4096
  h.agent->send(ap::encode_dns(ap::MessageType::kDnsQuery, ap::DnsMessage{5, std::string(12, 'q')}));
  CHECK(server.answer_next(std::string(12, 'a')) == std::string(12, 'q'));
  const ap::Frame answer = h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kDnsAnswer; });
  CHECK(ap::parse_dns_message(answer.type, answer.payload).id == 5);
  CHECK(h.session->main_state() == AgentSession::MainState::kRunning);
  // the main process still gets its frames: the bad queries did not end the pump
  h.agent->send(ap::encode(kMainHandle, ap::Exit{0, std::nullopt}));
  CHECK(h.session->wait_exit().status == 0);
}

TEST_CASE("without a DNS server (no network namespace) a DNS_QUERY is dropped, nothing answers") {
  Harness h;
  create_and_start(h);
  h.agent->send(ap::encode_dns(ap::MessageType::kDnsQuery, ap::DnsMessage{1, std::string(20, 'q')}));
  h.agent->send(ap::encode(kMainHandle, ap::Exit{3, std::nullopt}));
  CHECK(h.session->wait_exit().status == 3);
  for (const ap::Frame& f : h.agent->received()) CHECK(f.type != ap::MessageType::kDnsAnswer);
}

TEST_CASE("a DNS server that is not there: the query is dropped, the session carries on") {
  sockaddr_in gone{};
  {
    runz::net::FakeDnsServer server;
    gone = server.address();
  }  // closed: the port refuses
  Harness h({}, 10s, gone);
  create_and_start(h);
  h.agent->send(ap::encode_dns(ap::MessageType::kDnsQuery, ap::DnsMessage{1, std::string(20, 'q')}));
  std::this_thread::sleep_for(200ms);
  h.agent->send(ap::encode(kMainHandle, ap::Exit{0, std::nullopt}));
  CHECK(h.session->wait_exit().status == 0);
  for (const ap::Frame& f : h.agent->received()) CHECK(f.type != ap::MessageType::kDnsAnswer);
}

TEST_CASE("update_container: UPDATE on a fresh handle, answered by UPDATED; the agent's ERROR is the error") {
  std::atomic<bool> refuse = false;  // read on the fake agent's thread
  Harness h([&refuse](FakeAgent& agent, const ap::Frame& f) {
    if (f.type != ap::MessageType::kUpdate) return false;
    if (refuse)
      agent.send(ap::encode(f.stream, ap::ErrorReport{"UPDATE", EINVAL, "cgroup \"/sys/fs/cgroup/c\": cpu.max: no"}));
    else
      agent.send(ap::encode_updated(f.stream, ap::CgroupUsage{300, 400, 500}));
    return true;
  });
  create_and_start(h);
  ap::Update update;
  update.container = "c";
  update.resources = runz::spec::Resources{};
  update.resources->memory = runz::spec::MemoryResources{};
  update.resources->memory->limit = 402653184;
  CHECK(h.session->update_container(update) == ap::CgroupUsage{300, 400, 500});
  const ap::Frame sent = h.agent->wait_frame([](const ap::Frame& f) { return f.type == ap::MessageType::kUpdate; });
  CHECK(sent.stream == kMainHandle + 1);
  CHECK(ap::parse_update(sent.payload) == update);
  CHECK_FALSE(h.session->has_process(sent.stream));
  refuse = true;
  try {
    h.session->update_container(update);
    FAIL("update_container returned");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()).find("cpu.max: no") != std::string::npos);
    CHECK(e.code() == EINVAL);
  }
  CHECK_FALSE(h.session->has_process(kMainHandle + 2));
  CHECK(h.session->main_state() == AgentSession::MainState::kRunning);
}
