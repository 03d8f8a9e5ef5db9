#include "guest/console_channel.hpp"

#include "agent-proto/messages.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

using namespace runz;
using namespace runz::guest;
namespace ap = runz::agent_proto;

TEST_CASE("the console channel sends whole frames and decodes what it reads") {
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  UniqueFd host(sv[1]);
  ConsoleChannel channel{UniqueFd(sv[0]), UniqueFd()};

  channel.send_error(7, "mount rootfs", 2, "no such tag");
  channel.log("hello");
  char buffer[512];
  const ssize_t n = read(host.get(), buffer, sizeof buffer);
  REQUIRE(n > 0);
  ap::Decoder d;
  const auto events = d.feed(std::string_view(buffer, static_cast<size_t>(n)));
  REQUIRE(events.size() == 2);
  const auto& error = std::get<ap::Frame>(events[0]);
  CHECK(error.type == ap::MessageType::kError);
  CHECK(error.stream == 7);
  CHECK(ap::parse_error_report(error.payload) == ap::ErrorReport{"mount rootfs", 2, "no such tag"});
  CHECK(std::get<ap::Frame>(events[1]).payload == "hello");

  const std::string input = "kernel text" + ap::encode_frame(ap::MessageType::kStart, 3, "");
  REQUIRE(write(host.get(), input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  std::vector<ap::Event> got;
  CHECK(channel.read_events(got));
  REQUIRE(got.size() == 2);
  CHECK(std::get<ap::ConsoleText>(got[0]).bytes == "kernel text");
  CHECK(std::get<ap::Frame>(got[1]).type == ap::MessageType::kStart);
  host.reset();
  got.clear();
  CHECK_FALSE(channel.read_events(got));
}
