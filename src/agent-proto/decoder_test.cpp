#include "agent-proto/decoder.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace runz::agent_proto;

namespace {

// Events with adjacent console text merged, so that different input splits compare equal.
std::vector<Event> normalized(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const auto& e : events) {
    if (const auto* text = std::get_if<ConsoleText>(&e)) {
      if (text->bytes.empty()) continue;
      if (!out.empty())
        if (auto* last = std::get_if<ConsoleText>(&out.back())) {
          last->bytes += text->bytes;
          continue;
        }
    }
    out.push_back(e);
  }
  return out;
}

std::vector<Event> decode_all(std::string_view bytes) {
  Decoder d;
  std::vector<Event> out;
  d.feed(bytes, out);
  d.finish(out);
  return normalized(out);
}

Event text(std::string s) { return ConsoleText{std::move(s)}; }
Event frame(MessageType t, uint32_t stream, std::string payload) { return Frame{t, stream, std::move(payload)}; }

std::string with_byte(std::string s, size_t index, char value) {
  s[index] = value;
  return s;
}

}  // namespace

TEST_CASE("frames round trip") {
  const std::string stream = encode_frame(MessageType::kHello, 0, R"({"version":1})") +
                             encode_frame(MessageType::kStdout, 7, "") +
                             encode_frame(MessageType::kStdin, 0xFFFFFFFFu, std::string("\0RZ\x01", 4));
  const auto events = decode_all(stream);
  REQUIRE(events.size() == 3);
  CHECK(events[0] == frame(MessageType::kHello, 0, R"({"version":1})"));
  CHECK(events[1] == frame(MessageType::kStdout, 7, ""));
  CHECK(events[2] == frame(MessageType::kStdin, 0xFFFFFFFFu, std::string("\0RZ\x01", 4)));
}

TEST_CASE("a frame of kMaxPayloadBytes decodes") {
  const std::string payload(kMaxPayloadBytes, 'p');
  const auto events = decode_all(encode_frame(MessageType::kStdout, 1, payload));
  REQUIRE(events.size() == 1);
  CHECK(events[0] == frame(MessageType::kStdout, 1, payload));
}

TEST_CASE("garbage before, between and after frames is console text") {
  const std::string a = encode_frame(MessageType::kLog, 0, "one");
  const std::string b = encode_frame(MessageType::kLog, 0, "two");
  const std::string input = "[    0.1] Linux version 6.1\nR" + a + "RZ junk R" + b + "tail RZ";
  const auto events = decode_all(input);
  REQUIRE(events.size() == 5);
  CHECK(events[0] == text("[    0.1] Linux version 6.1\nR"));
  CHECK(events[1] == frame(MessageType::kLog, 0, "one"));
  CHECK(events[2] == text("RZ junk R"));
  CHECK(events[3] == frame(MessageType::kLog, 0, "two"));
  CHECK(events[4] == text("tail RZ"));
}

TEST_CASE("text is not held back unless it may start a frame") {
  Decoder d;
  auto events = d.feed("kernel says hi\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0] == text("kernel says hi\n"));
  events = d.feed("xyzRZ");
  REQUIRE(events.size() == 1);
  CHECK(events[0] == text("xyz"));
  CHECK(d.pending_bytes() == 2);
  events = d.feed("!");  // not version 2: the held bytes are text now
  REQUIRE(events.size() == 1);
  CHECK(events[0] == text("RZ!"));
  CHECK(d.pending_bytes() == 0);
}

TEST_CASE("a corrupted header or payload is text, not a frame") {
  const std::string good = encode_frame(MessageType::kExit, 3, R"({"status":3})");
  const std::string payload_flip = with_byte(good, kHeaderBytes + 1, 'X');
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"payload crc", with_byte(good, 12, static_cast<char>(good[12] ^ 0x01))},
      {"header crc", with_byte(good, 16, static_cast<char>(good[16] ^ 0x01))},
      {"payload", payload_flip},
      {"stream", with_byte(good, 4, 4)},
      {"length shorter", with_byte(good, 8, static_cast<char>(good[8] - 1))},
      {"length longer", with_byte(good, 8, static_cast<char>(good[8] + 1))},
      {"version", with_byte(good, 2, 1)},
      {"type", with_byte(good, 3, 0x7F)},
      {"magic", with_byte(good, 1, 'z')},
  };
  for (const auto& c : cases) {
    const std::string& bad = c.second;
    INFO("corrupted: " << c.first);
    const auto events = decode_all(bad);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == text(bad));
  }
}

TEST_CASE("an oversize length is rejected at the header") {
  std::string bad = encode_frame(MessageType::kStdout, 1, "");
  bad[8] = 0x01;
  bad[9] = 0x40;  // 16385
  Decoder d;
  const auto events = normalized(d.feed(bad));
  REQUIRE(events.size() == 1);
  CHECK(events[0] == text(bad));  // decided at once: nothing waits for 16 KiB that can never be a frame
  CHECK(d.pending_bytes() == 0);
}

TEST_CASE("a fake header swallowing a real frame resyncs to the real frame") {
  const std::string real = encode_frame(MessageType::kStarted, 2, R"({"pid":5})");
  std::string fake = encode_frame(MessageType::kLog, 0, std::string(100, 'f')).substr(0, kHeaderBytes);
  fake[16] = static_cast<char>(fake[16] ^ 0x55);  // bad header CRC: known at once
  const std::string filler(100 - real.size(), '.');
  const auto events = decode_all(fake + real + filler);
  REQUIRE(events.size() == 3);
  CHECK(events[0] == text(fake));
  CHECK(events[1] == frame(MessageType::kStarted, 2, R"({"pid":5})"));
  CHECK(events[2] == text(filler));
}

TEST_CASE("frames split at every byte boundary decode identically") {
  const std::string input = "boot\n" + encode_frame(MessageType::kHello, 0, "{}") + "RZ" +
                            encode_frame(MessageType::kStdout, 9, "out") + "R" + encode_frame(MessageType::kExit, 9, "") +
                            "\x52\x5a\x02" + encode_frame(MessageType::kShutdown, 0, "");
  const auto whole = decode_all(input);
  REQUIRE(whole.size() == 8);
  for (size_t split = 0; split <= input.size(); ++split) {
    CAPTURE(split);
    Decoder d;
    std::vector<Event> out;
    d.feed(std::string_view(input).substr(0, split), out);
    d.feed(std::string_view(input).substr(split), out);
    d.finish(out);
    CHECK(normalized(out) == whole);
  }
  Decoder d;
  std::vector<Event> out;
  for (char c : input) d.feed(std::string_view(&c, 1), out);
  d.finish(out);
  CHECK(normalized(out) == whole);
}

TEST_CASE("the decoder holds at most one maximal frame") {
  // A stream of genuine maximal headers with bad payload CRCs, fed in random pieces.
  std::string header = encode_frame(MessageType::kStdout, 1, std::string(kMaxPayloadBytes, 'b')).substr(0, kHeaderBytes);
  std::string input;
  for (int i = 0; i < 3; ++i) input += header + std::string(kMaxPayloadBytes, 'a');
  std::mt19937 rng(42);
  Decoder d;
  std::vector<Event> out;
  size_t pos = 0;
  while (pos < input.size()) {
    const size_t n = std::min<size_t>(input.size() - pos, rng() % 5000);
    d.feed(std::string_view(input).substr(pos, n), out);
    pos += n;
    CHECK(d.pending_bytes() <= kMaxFrameBytes);
  }
  d.finish(out);
  const auto events = normalized(out);
  REQUIRE(events.size() == 1);
  CHECK(events[0] == text(input));
}

TEST_CASE("kernel text written into the middle of a frame: that frame is text, the next one still decodes") {
  const std::string a = encode_frame(MessageType::kStdout, 1, std::string(200, 'o'));
  const std::string b = encode_frame(MessageType::kExit, 1, R"({"status":0})");
  const std::string broken = a.substr(0, 100) + "[ 9.9] oops\n" + a.substr(100);
  const auto events = decode_all(broken + b);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == text(broken));
  CHECK(events[1] == frame(MessageType::kExit, 1, R"({"status":0})"));
}

namespace {

// CRC bytes a decoder spends on `input`, fed in pieces of 1 to 64 bytes (a header whose payload is still
// arriving must not be checked again at every piece); the events must rebuild the input.
uint64_t crc_cost(const std::string& input) {
  std::mt19937 rng(7);
  Decoder d;
  std::vector<Event> out;
  for (size_t pos = 0; pos < input.size();) {
    const size_t n = std::min<size_t>(input.size() - pos, 1 + rng() % 64);
    d.feed(std::string_view(input).substr(pos, n), out);
    pos += n;
  }
  d.finish(out);
  std::string rebuilt;
  for (const auto& e : out) {
    if (const auto* f = std::get_if<Frame>(&e)) rebuilt += encode_frame(*f);
    else rebuilt += std::get<ConsoleText>(e).bytes;
  }
  CHECK(rebuilt == input);
  return d.crc_bytes();
}

}  // namespace

TEST_CASE("crafted headers cost a small constant of CRC work per input byte, as frames do") {
  constexpr size_t kFlood = 1u << 20;
  const std::string maximal = encode_frame(MessageType::kStdout, 1, std::string(kMaxPayloadBytes, 'a'));
  std::string forged_header = maximal.substr(0, kHeaderBytes);  // claims 16 KiB; its own CRC is wrong
  forged_header[16] = static_cast<char>(forged_header[16] ^ 1);
  std::string bad_payload = maximal;  // a genuine header whose payload fails its CRC, full of forged headers
  for (size_t at = kHeaderBytes; at + kHeaderBytes <= bad_payload.size(); at += kHeaderBytes)
    bad_payload.replace(at, kHeaderBytes, forged_header);
  const std::string frame_text = encode_frame(MessageType::kStdout, 1, std::string(1000, 'f'));

  std::string forged, genuine_bad, frames, plain;
  while (forged.size() < kFlood) forged += forged_header;
  while (genuine_bad.size() < kFlood) genuine_bad += bad_payload;
  while (frames.size() < kFlood) frames += frame_text;
  plain.assign(kFlood, 'x');

  CHECK(crc_cost(plain) == 0);
  const uint64_t frames_cost = crc_cost(frames);
  CHECK(frames_cost <= frames.size() + frames.size() / kHeaderBytes * kHeaderCrcBytes);
  // Version 1 spent a 16 KiB CRC per forged header and rescanned its payload: ~800 CRC bytes per input byte.
  for (const std::string* flood : {&forged, &genuine_bad}) {
    const uint64_t cost = crc_cost(*flood);
    CAPTURE(cost);
    CHECK(cost <= 2 * flood->size());
    CHECK(cost <= 2 * frames_cost);
  }
}
