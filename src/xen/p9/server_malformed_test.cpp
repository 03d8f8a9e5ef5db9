// Malformed requests: each gets the right Rlerror (and the server keeps working).
#include <doctest/doctest.h>

#include <cerrno>

#include "xen/p9/server.hpp"
#include "xen/p9/test_support.hpp"

using namespace runz::p9;
using runz::p9::test::Client;
using runz::p9::test::Reply;
using runz::p9::test::request;
using runz::p9::test::TempDir;

namespace {
std::vector<uint8_t> raw(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}
// A valid request with its size field rewritten.
std::vector<uint8_t> with_size(std::vector<uint8_t> m, uint32_t size) {
  if (m.size() < 4) m.resize(4);  // also keeps GCC's -Wnull-dereference quiet at -O2
  for (size_t i = 0; i < 4; ++i) m[i] = static_cast<uint8_t>(size >> (8 * i));
  return m;
}
}  // namespace

TEST_CASE("malformed messages get Rlerror with the right errno") {
  TempDir t;
  Server s(Export::open_directory(t.path, false), ServerLimits{8192, 16});
  Client c(s);
  c.start(8192);

  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    int err;
  };
  const auto getattr0 = request(MsgType::kTgetattr, 5, [](Writer& w) { w.u32(0); w.u64(kGetattrBasic); });
  const auto walk17 = request(MsgType::kTwalk, 5, [](Writer& w) {
    w.u32(0); w.u32(1); w.u16(17);
    for (int i = 0; i < 17; ++i) w.str("a");
  });
  const std::vector<Case> cases = {
      {"empty", {}, EPROTO},
      {"truncated header", raw({7, 0, 0}), EPROTO},
      {"size smaller than the header", with_size(getattr0, 3), EPROTO},
      {"size larger than the buffer", with_size(getattr0, static_cast<uint32_t>(getattr0.size() + 1)), EPROTO},
      {"size smaller than the buffer", with_size(getattr0, static_cast<uint32_t>(getattr0.size() - 1)), EPROTO},
      {"size over msize", with_size(getattr0, 1u << 20), EPROTO},
      {"body truncated", request(MsgType::kTgetattr, 5, [](Writer& w) { w.u32(0); w.u32(0); }), EPROTO},
      {"trailing bytes", request(MsgType::kTclunk, 5, [](Writer& w) { w.u32(99); w.u8(0); }), EPROTO},
      {"string length past the end", request(MsgType::kTwalk, 5, [](Writer& w) {
         w.u32(0); w.u32(1); w.u16(1); w.u16(200); w.u8('a');
       }), EPROTO},
      {"walk with 17 names", walk17, EINVAL},
      {"walk name with a slash", request(MsgType::kTwalk, 5, [](Writer& w) {
         w.u32(0); w.u32(1); w.u16(1); w.str("a/b");
       }), EINVAL},
      {"walk name empty", request(MsgType::kTwalk, 5, [](Writer& w) { w.u32(0); w.u32(1); w.u16(1); w.str(""); }),
       EINVAL},
      {"name with NUL", request(MsgType::kTmkdir, 5, [](Writer& w) {
         w.u32(0); w.u16(3); w.u8('a'); w.u8(0); w.u8('b'); w.u32(0755); w.u32(0);
       }), EINVAL},
      {"write count past the end", request(MsgType::kTwrite, 5, [](Writer& w) {
         w.u32(0); w.u64(0); w.u32(1000); w.u8('x');
       }), EPROTO},
      {"unknown fid", request(MsgType::kTgetattr, 5, [](Writer& w) { w.u32(77); w.u64(kGetattrBasic); }), EBADF},
      {"clunk unknown fid", request(MsgType::kTclunk, 5, [](Writer& w) { w.u32(77); }), EBADF},
      {"attach reusing a fid", request(MsgType::kTattach, 5, [](Writer& w) {
         w.u32(0); w.u32(kNoFid); w.str(""); w.str(""); w.u32(0);
       }), EEXIST},
      {"walk newfid in use", request(MsgType::kTwalk, 5, [](Writer& w) {
         w.u32(0); w.u32(0xAAAA); w.u16(0);
       }), 0},  // fine the first time (creates 0xAAAA)
      {"walk newfid in use, again", request(MsgType::kTwalk, 5, [](Writer& w) {
         w.u32(0); w.u32(0xAAAA); w.u16(0);
       }), EEXIST},
      {"walk to NOFID", request(MsgType::kTwalk, 5, [](Writer& w) { w.u32(0); w.u32(kNoFid); w.u16(0); }), EBADF},
      {"read on an unopened fid", request(MsgType::kTread, 5, [](Writer& w) { w.u32(0); w.u64(0); w.u32(10); }),
       EBADF},
      {"readdir on an unopened fid", request(MsgType::kTreaddir, 5, [](Writer& w) {
         w.u32(0); w.u64(0); w.u32(10);
       }), EBADF},
      {"lopen with access mode 3", request(MsgType::kTlopen, 5, [](Writer& w) { w.u32(0); w.u32(3); }), EINVAL},
      {"setattr with nsec out of range", request(MsgType::kTsetattr, 5, [](Writer& w) {
         w.u32(0); w.u32(kSetattrAtime | kSetattrAtimeSet); w.u32(0); w.u32(0); w.u32(0);
         w.u64(0); w.u64(0); w.u64(2000000000); w.u64(0); w.u64(0);
       }), EINVAL},
      {"mknod of an unknown type", request(MsgType::kTmknod, 5, [](Writer& w) {
         w.u32(0); w.str("x"); w.u32(0170000); w.u32(0); w.u32(0); w.u32(0);
       }), EINVAL},
      {"Tauth", request(MsgType::kTauth, 5, [](Writer& w) { w.u32(1); w.str(""); w.str(""); w.u32(0); }),
       EOPNOTSUPP},
      {"Rlerror sent as a request", request(MsgType::kRlerror, 5, [](Writer& w) { w.u32(1); }), EOPNOTSUPP},
      {"unknown type 0", raw({7, 0, 0, 0, 0, 5, 0}), EOPNOTSUPP},
      {"9P2000 Topen", raw({12, 0, 0, 0, 112, 5, 0, 0, 0, 0, 0, 0}), EOPNOTSUPP},
      {"unknown type 255", raw({7, 0, 0, 0, 255, 5, 0}), EOPNOTSUPP},
  };
  for (const auto& tc : cases) {
    CAPTURE(tc.what);
    Reply rep{s.handle(tc.bytes)};
    REQUIRE(rep.bytes.size() >= kHeaderBytes);
    CHECK(rep.header().size == rep.bytes.size());
    CHECK(rep.error() == tc.err);
    if (tc.bytes.size() >= kHeaderBytes) {
      CHECK(rep.header().tag == 5);
    } else {
      CHECK(rep.header().tag == kNoTag);
    }
  }
  // The session survived all of it.
  CHECK(c.getattr(0).error() == 0);
}

TEST_CASE("Tversion with a tiny msize is refused") {
  TempDir t;
  Server s(Export::open_directory(t.path, false), ServerLimits{8192, 16});
  Client c(s);
  for (uint32_t msize : {0u, 7u, 4095u}) {
    CAPTURE(msize);
    auto v = c.call(MsgType::kTversion, [&](Writer& w) { w.u32(msize); w.str(kVersion9P2000L); });
    CHECK(v.error() == EINVAL);
    CHECK_FALSE(s.versioned());
  }
}
