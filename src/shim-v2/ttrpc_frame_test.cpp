#include "shim-v2/ttrpc_frame.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

#include "common/fd.hpp"

using namespace runz::shim::ttrpc;

namespace {

std::pair<runz::UniqueFd, runz::UniqueFd> socket_pair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  return {runz::UniqueFd(fds[0]), runz::UniqueFd(fds[1])};
}

std::string raw_header(std::uint32_t length, std::uint32_t stream, std::uint8_t type, std::uint8_t flags) {
  std::array<std::uint8_t, kHeaderBytes> h{};
  encode_header({length, stream, type, flags}, h);
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

}  // namespace

TEST_CASE("header: big-endian layout and round trip") {
  std::string h = raw_header(0x01020304, 0x0a0b0c0d, 2, 1);
  CHECK(h == std::string("\x01\x02\x03\x04\x0a\x0b\x0c\x0d\x02\x01", 10));
  // 0x01020304 is over 4 MiB: decode refuses it, but a legal header round-trips.
  std::string ok = raw_header(4u << 20, 7, 1, 0);
  FrameHeader d = decode_header(std::span<const std::uint8_t, kHeaderBytes>(
      reinterpret_cast<const std::uint8_t*>(ok.data()), kHeaderBytes));
  CHECK(d.length == kMaxMessageBytes);
  CHECK(d.stream_id == 7);
  CHECK(d.type == 1);
  CHECK(d.flags == 0);
}

TEST_CASE("header: a length over 4 MiB is refused") {
  for (std::uint32_t length : {kMaxMessageBytes + 1, 0xffffffffu}) {
    std::string h = raw_header(length, 1, 1, 0);
    CHECK_THROWS_AS(decode_header(std::span<const std::uint8_t, kHeaderBytes>(
                        reinterpret_cast<const std::uint8_t*>(h.data()), kHeaderBytes)),
                    FrameError);
  }
}

TEST_CASE("encode_frame: refuses data over the maximum") {
  std::string big(kMaxMessageBytes + 1, 'x');
  CHECK_THROWS_AS(encode_frame(1, MessageType::Request, 0, big), FrameError);
  CHECK(encode_frame(1, MessageType::Request, 0, std::string(kMaxMessageBytes, 'x')).size() ==
        kMaxMessageBytes + kHeaderBytes);
}

TEST_CASE("decoder: frames split at every byte boundary come out whole and in order") {
  std::string stream = encode_frame(1, MessageType::Request, 0, "hello") +
                       encode_frame(3, MessageType::Response, 0, "") +
                       encode_frame(5, MessageType::Data, kFlagRemoteClosed, std::string(300, 'z'));
  FrameDecoder decoder;
  std::vector<Frame> frames;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto f = decoder.next()) frames.push_back(std::move(*f));
  }
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].header.stream_id == 1);
  CHECK(frames[0].data == "hello");
  CHECK(frames[1].header.type == static_cast<std::uint8_t>(MessageType::Response));
  CHECK(frames[1].data.empty());
  CHECK(frames[2].header.flags == kFlagRemoteClosed);
  CHECK(frames[2].data == std::string(300, 'z'));
  CHECK(decoder.pending_bytes() == 0);
}

TEST_CASE("decoder: an oversized header throws as soon as its 10 bytes are in, holding only those") {
  FrameDecoder decoder;
  std::string h = raw_header(0x7fffffff, 1, 1, 0);
  decoder.feed(h.substr(0, 9));
  CHECK_FALSE(decoder.next().has_value());
  CHECK_THROWS_AS(decoder.feed(h.substr(9)), FrameError);
}

TEST_CASE("decoder: a truncated frame stays pending") {
  FrameDecoder decoder;
  std::string f = encode_frame(1, MessageType::Request, 0, "abcdef");
  decoder.feed(std::string_view(f).substr(0, f.size() - 1));
  CHECK_FALSE(decoder.next().has_value());
  CHECK(decoder.pending_bytes() == f.size() - 1);
}

TEST_CASE("read_frame: round trip over a socket, clean EOF at a boundary") {
  auto [a, b] = socket_pair();
  write_all(a.get(), encode_frame(9, MessageType::Response, 0, "payload"));
  a.reset();
  auto frame = read_frame(b.get());
  REQUIRE(frame.has_value());
  CHECK(frame->header.stream_id == 9);
  CHECK(frame->data == "payload");
  CHECK_FALSE(read_frame(b.get()).has_value());
}

TEST_CASE("read_frame: a header claiming > 4 MiB is rejected before any data is read") {
  auto [a, b] = socket_pair();
  // Only the header is sent and the writer stays open: if read_frame allocated and waited for the data it
  // would block; it must throw straight from the header.
  write_all(a.get(), raw_header(kMaxMessageBytes + 1, 1, 1, 0));
  CHECK_THROWS_AS(read_frame(b.get()), FrameError);
}

TEST_CASE("read_frame: truncated header and truncated data") {
  {
    auto [a, b] = socket_pair();
    write_all(a.get(), raw_header(4, 1, 1, 0).substr(0, 6));
    a.reset();
    CHECK_THROWS_WITH_AS(read_frame(b.get()), doctest::Contains("6 of 10 header bytes"), FrameError);
  }
  {
    auto [a, b] = socket_pair();
    write_all(a.get(), raw_header(4, 1, 1, 0) + "ab");
    a.reset();
    CHECK_THROWS_WITH_AS(read_frame(b.get()), doctest::Contains("2 of 4 data bytes"), FrameError);
  }
}
