#include "xen/terminal_resizes.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <variant>

#include "agent-proto/decoder.hpp"
#include "common/fd.hpp"

using runz::UniqueFd;
using runz::xen::TerminalResizes;
namespace ap = runz::agent_proto;

namespace {

struct Pty {
  UniqueFd master, slave;
};

Pty open_test_pty() {
  Pty p;
  p.master = UniqueFd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  REQUIRE(p.master.valid());
  REQUIRE(::grantpt(p.master.get()) == 0);
  REQUIRE(::unlockpt(p.master.get()) == 0);
  p.slave = UniqueFd(::open(::ptsname(p.master.get()), O_RDWR | O_NOCTTY | O_CLOEXEC));
  REQUIRE(p.slave.valid());
  return p;
}

// What the console-socket receiver does: size the pty through its master.
void set_size(const Pty& p, unsigned short rows, unsigned short cols) {
  winsize ws{};
  ws.ws_row = rows;
  ws.ws_col = cols;
  REQUIRE(::ioctl(p.master.get(), TIOCSWINSZ, &ws) == 0);
}

// (handle, rows, cols) of each RESIZE frame in `bytes`
std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> resizes(const std::string& bytes) {
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> out;
  ap::Decoder decoder;
  for (const ap::Event& ev : decoder.feed(bytes)) {
    const auto* frame = std::get_if<ap::Frame>(&ev);
    REQUIRE(frame != nullptr);
    REQUIRE(frame->type == ap::MessageType::kResize);
    const ap::Resize r = ap::parse_resize(frame->payload);
    out.emplace_back(frame->stream, r.height, r.width);
  }
  return out;
}

}  // namespace

TEST_CASE("a host terminal's size reaches the zone once per change") {
  Pty main = open_test_pty(), exec = open_test_pty();
  TerminalResizes watch;
  // nobody sized them yet: nothing to send
  CHECK(watch.changed_frames({{1, main.slave.get()}, {7, exec.slave.get()}}).empty());

  set_size(main, 24, 80);
  CHECK(resizes(watch.changed_frames({{1, main.slave.get()}, {7, exec.slave.get()}})) ==
        std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{1, 24, 80}});
  CHECK(watch.changed_frames({{1, main.slave.get()}, {7, exec.slave.get()}}).empty());

  set_size(main, 50, 132);
  set_size(exec, 10, 40);
  CHECK(resizes(watch.changed_frames({{1, main.slave.get()}, {7, exec.slave.get()}})) ==
        std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{1, 50, 132}, {7, 10, 40}});

  // a handle that went away is forgotten: listed again (a new process on a reused handle), it is sent again
  CHECK(watch.changed_frames({{1, main.slave.get()}}).empty());
  CHECK(resizes(watch.changed_frames({{1, main.slave.get()}, {7, exec.slave.get()}})) ==
        std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{7, 10, 40}});
}

TEST_CASE("a fd that is not a terminal is skipped") {
  int p[2];
  REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  UniqueFd r(p[0]), w(p[1]);
  TerminalResizes watch;
  CHECK(watch.changed_frames({{1, w.get()}, {2, -1}}).empty());
}
