#include "runtime/console_socket.hpp"

#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <string>

#include "runtime/test_support.hpp"
#include "runtime/unix_socket.hpp"

using runz::UniqueFd;
using runz::runtime::test::TempDir;


TEST_CASE("console_stdio sends a pty master and relays through a raw host pty") {
  TempDir tmp;
  UniqueFd listener = runz::runtime::listen_unix(tmp.path / "console.sock");
  runz::runtime::ZoneStdio stdio = runz::runtime::console_stdio(tmp.path / "console.sock");
  UniqueFd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  REQUIRE(conn.valid());
  UniqueFd master = runz::runtime::receive_console_master(conn.get(), std::chrono::seconds(5));
  REQUIRE(stdio.out.valid());
  CHECK(::isatty(stdio.out.get()) == 1);
  CHECK(::isatty(master.get()) == 1);

  // the zone's pty does echo and line handling: the host pty must not add its own
  termios tio{};
  REQUIRE(::tcgetattr(stdio.out.get(), &tio) == 0);
  CHECK((tio.c_lflag & (ECHO | ICANON | ISIG)) == 0);
  CHECK((tio.c_oflag & OPOST) == 0);

  // output from the zone arrives byte for byte (no \n -> \r\n), input is not echoed back
  REQUIRE(::write(stdio.out.get(), "out\n", 4) == 4);
  char buf[16] = {};
  REQUIRE(::read(master.get(), buf, sizeof buf) == 4);
  CHECK(std::string(buf, 4) == "out\n");
  REQUIRE(::write(master.get(), "in\n", 3) == 3);
  REQUIRE(::read(stdio.in.get(), buf, sizeof buf) == 3);
  CHECK(std::string(buf, 3) == "in\n");
}
