// libFuzzer target: the host side of the PV console ring (src/xen/console_ring.cpp) against a guest that
// controls every index and byte of the page. The input's first 16 bytes seed the four indexes; the rest
// drives a sequence of host reads/writes interleaved with arbitrary guest index writes (ring bytes do not
// steer the code, so they are a fixed pattern). ASan catches any access outside the page
// (which is allocated at exactly sizeof(xencons_interface)); the checks below catch accounting errors.
#include <cstdint>
#include <xen/io/console.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "xen/console_ring.hpp"

namespace {

uint32_t take_u32(const uint8_t*& p, size_t& left) {
  uint32_t v = 0;
  size_t n = left < 4 ? left : 4;
  std::memcpy(&v, p, n);
  p += n;
  left -= n;
  return v;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto page = std::make_unique<xencons_interface>();
  for (size_t i = 0; i < sizeof(page->in); ++i) page->in[i] = static_cast<char>(i);
  for (size_t i = 0; i < sizeof(page->out); ++i) page->out[i] = static_cast<char>(i * 7);
  const uint8_t* p = data;
  size_t left = size;
  page->in_cons = take_u32(p, left);
  page->in_prod = take_u32(p, left);
  page->out_cons = take_u32(p, left);
  page->out_prod = take_u32(p, left);

  runz::xen::ConsoleRing ring(page.get());
  std::vector<std::byte> buf(4096);
  for (int steps = 0; left > 0 && steps < 256; ++steps) {
    uint8_t op = *p++;
    --left;
    uint32_t arg = take_u32(p, left);
    switch (op % 6) {
      case 0: {  // host reads
        size_t want = arg % (buf.size() + 1);
        size_t before = ring.out_available();
        auto r = ring.read_out(std::span(buf).first(want));
        check(r.bytes <= want);
        check(r.bytes <= runz::xen::kConsoleOutRingBytes);
        check(!r.broken || r.bytes == 0);
        check(r.broken || r.bytes == (before < want ? before : want));
        check(page->out_prod - page->out_cons <= runz::xen::kConsoleOutRingBytes);
        break;
      }
      case 1: {  // host writes
        size_t len = arg % (buf.size() + 1);
        size_t space = ring.in_space();
        auto r = ring.write_in(std::span<const std::byte>(buf).first(len));
        check(r.bytes <= len);
        check(!r.broken || r.bytes == 0);
        check(r.broken || r.bytes == (space < len ? space : len));
        check(page->in_prod - page->in_cons <= runz::xen::kConsoleInRingBytes);
        break;
      }
      case 2: page->out_prod = arg; break;  // the guest scribbles on any index
      case 3: page->out_cons = arg; break;
      case 4: page->in_cons = arg; break;
      case 5: page->in_prod = arg; break;
    }
  }
  return 0;
}
