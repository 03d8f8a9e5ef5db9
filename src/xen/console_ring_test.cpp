#include "xen/console_ring.hpp"

#include <cstdint>
#include <xen/io/console.h>

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using runz::xen::ConsoleRing;
using runz::xen::kConsoleInRingBytes;
using runz::xen::kConsoleOutRingBytes;

namespace {

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// Guest side of the out ring, as hvc_xen does it.
void guest_write_out(xencons_interface& page, const std::string& s) {
  for (char c : s) page.out[MASK_XENCONS_IDX(page.out_prod++, page.out)] = c;
}

std::string guest_read_in(xencons_interface& page) {
  std::string s;
  while (page.in_cons != page.in_prod) s += page.in[MASK_XENCONS_IDX(page.in_cons++, page.in)];
  return s;
}

std::string read_all(ConsoleRing& ring) {
  std::vector<std::byte> buf(4096);
  auto r = ring.read_out(buf);
  return std::string(reinterpret_cast<const char*>(buf.data()), r.bytes);
}

}  // namespace

TEST_CASE("empty rings transfer nothing") {
  auto page = std::make_unique<xencons_interface>();
  ConsoleRing ring(page.get());
  std::vector<std::byte> buf(16);
  auto r = ring.read_out(buf);
  CHECK(r.bytes == 0);
  CHECK_FALSE(r.broken);
  CHECK(ring.out_available() == 0);
  CHECK(ring.in_space() == kConsoleInRingBytes);
}

TEST_CASE("guest output is read and consumed") {
  auto page = std::make_unique<xencons_interface>();
  ConsoleRing ring(page.get());
  guest_write_out(*page, "hello");
  CHECK(ring.out_available() == 5);
  CHECK(read_all(ring) == "hello");
  CHECK(page->out_cons == page->out_prod);
}

TEST_CASE("a short buffer reads part and leaves the rest") {
  auto page = std::make_unique<xencons_interface>();
  ConsoleRing ring(page.get());
  guest_write_out(*page, "abcdef");
  std::vector<std::byte> buf(4);
  auto r = ring.read_out(buf);
  CHECK(r.bytes == 4);
  CHECK(read_all(ring) == "ef");
}

TEST_CASE("reads wrap around the end of the ring and across index overflow") {
  auto page = std::make_unique<xencons_interface>();
  page->out_cons = page->out_prod = UINT32_MAX - 2;  // free-running indexes about to overflow
  ConsoleRing ring(page.get());
  std::string text(kConsoleOutRingBytes, 'x');
  text[0] = 'A';
  text.back() = 'Z';
  guest_write_out(*page, text);
  CHECK(ring.out_available() == kConsoleOutRingBytes);
  CHECK(read_all(ring) == text);
}

TEST_CASE("an out fill level above the ring size is reported broken and the ring reset") {
  auto page = std::make_unique<xencons_interface>();
  page->out_cons = 0;
  page->out_prod = kConsoleOutRingBytes + 1;
  ConsoleRing ring(page.get());
  CHECK(ring.out_available() == 0);
  std::vector<std::byte> buf(64);
  auto r = ring.read_out(buf);
  CHECK(r.broken);
  CHECK(r.bytes == 0);
  CHECK(page->out_cons == page->out_prod);
  // After the reset the ring works again.
  guest_write_out(*page, "ok");
  CHECK(read_all(ring) == "ok");
}

TEST_CASE("cons ahead of prod (negative fill) is broken too") {
  auto page = std::make_unique<xencons_interface>();
  page->out_cons = 10;
  page->out_prod = 5;
  ConsoleRing ring(page.get());
  std::vector<std::byte> buf(64);
  CHECK(ring.read_out(buf).broken);
}

TEST_CASE("host input reaches the guest, limited by free space") {
  auto page = std::make_unique<xencons_interface>();
  ConsoleRing ring(page.get());
  auto r = ring.write_in(bytes("ls\n"));
  CHECK(r.bytes == 3);
  CHECK(guest_read_in(*page) == "ls\n");

  std::string big(kConsoleInRingBytes + 100, 'q');
  r = ring.write_in(bytes(big));
  CHECK(r.bytes == kConsoleInRingBytes);
  CHECK(ring.in_space() == 0);
  CHECK(ring.write_in(bytes("more")).bytes == 0);
  CHECK(guest_read_in(*page) == std::string(kConsoleInRingBytes, 'q'));
  CHECK(ring.in_space() == kConsoleInRingBytes);
}

TEST_CASE("an inconsistent in ring is reset, then usable") {
  auto page = std::make_unique<xencons_interface>();
  page->in_cons = 7;
  page->in_prod = 7 + kConsoleInRingBytes + 1;
  ConsoleRing ring(page.get());
  CHECK(ring.in_space() == 0);
  auto r = ring.write_in(bytes("x"));
  CHECK(r.broken);
  CHECK(r.bytes == 0);
  CHECK(page->in_prod == page->in_cons);
  CHECK(ring.write_in(bytes("y")).bytes == 1);
  CHECK(guest_read_in(*page) == "y");
}
