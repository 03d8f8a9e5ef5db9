// libFuzzer target: a hostile frontend's ring. The input becomes the interface page indexes and the
// out-ring bytes; the backend side reads requests and writes echo responses until the ring runs dry or
// reports a RingError. It must never read or write outside the buffers (ASan checks).
#include <cstdint>
#include <cstring>
#include <functional>
#include <algorithm>
#include <vector>

#include "xen/p9/ring.hpp"

using namespace runz::p9;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 17) return 0;
  const uint32_t order = kMinRingPageOrder + data[0] % 2;  // keep buffers small
  std::vector<uint8_t> intf(kXenPageBytes);
  std::vector<uint8_t> ring_data(2 * size_t{ring_bytes_for_order(order)});
  std::memcpy(intf.data() + kIntfInCons, data + 1, 4);
  std::memcpy(intf.data() + kIntfInProd, data + 1, 4);  // start consistent: the backend owns in_prod
  std::memcpy(intf.data() + kIntfOutCons, data + 5, 4);
  std::memcpy(intf.data() + kIntfOutProd, data + 9, 4);
  uint32_t msize = 0;
  std::memcpy(&msize, data + 13, 4);
  const size_t payload = std::min(size - 17, size_t{ring_bytes_for_order(order)});
  std::memcpy(ring_data.data() + ring_bytes_for_order(order), data + 17, payload);
  Ring ring(intf.data(), ring_data.data(), order);
  try {
    for (int i = 0; i < 256; ++i) {
      auto req = ring.next_request(msize);
      if (!req) break;
      if (req->size() < 7 || req->size() > msize) __builtin_trap();
      if (!ring.can_write(req->size())) break;
      ring.write_response(*req);
      // Let the "frontend" consume sometimes, driven by the input.
      if ((data[0] & 0x80) != 0) std::memcpy(intf.data() + kIntfInCons, intf.data() + kIntfInProd, 4);
    }
  } catch (const RingError&) {
  }
  return 0;
}
