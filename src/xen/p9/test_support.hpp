// Test helpers for the 9P core: a temporary directory and a tiny in-memory 9P client.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "xen/p9/server.hpp"
#include "xen/p9/wire.hpp"

namespace runz::p9::test {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = std::filesystem::temp_directory_path().string() + "/runz-p9-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& rel) const { return path + "/" + rel; }
};

// A reply split into its header and a reader over its body.
struct Reply {
  std::vector<uint8_t> bytes;
  Header header() const { return peek_header(bytes); }
  // The errno of an Rlerror, 0 for any other reply.
  int error() const {
    if (header().type != static_cast<uint8_t>(MsgType::kRlerror)) return 0;
    Reader r(std::span<const uint8_t>(bytes).subspan(kHeaderBytes));
    return static_cast<int>(r.u32());
  }
  Reader body() const { return Reader(std::span<const uint8_t>(bytes).subspan(kHeaderBytes)); }
};

inline Qid read_qid(Reader& r) {
  Qid q;
  q.type = r.u8();
  q.version = r.u32();
  q.path = r.u64();
  return q;
}

// Raw request bytes for `type` with a body written by `fill`.
inline std::vector<uint8_t> request(MsgType type, uint16_t tag, const std::function<void(Writer&)>& fill) {
  Writer w(static_cast<uint8_t>(type), tag);
  if (fill) fill(w);
  return std::move(w).finish();
}

class Client {
 public:
  explicit Client(Server& s) : s_(s) {}

  Reply call(MsgType type, const std::function<void(Writer&)>& fill) {
    auto req = request(type, tag_++, fill);
    Reply rep{s_.handle(req)};
    CHECK(rep.bytes.size() <= s_.msize());
    CHECK(rep.header().size == rep.bytes.size());
    return rep;
  }

  // Tversion + Tattach of fid 0 (the root). Returns the root qid.
  Qid start(uint32_t msize = 65536) {
    auto v = call(MsgType::kTversion, [&](Writer& w) { w.u32(msize); w.str(kVersion9P2000L); });
    REQUIRE(v.error() == 0);
    auto a = call(MsgType::kTattach, [](Writer& w) {
      w.u32(0); w.u32(kNoFid); w.str("root"); w.str(""); w.u32(0);
    });
    REQUIRE(a.error() == 0);
    auto r = a.body();
    return read_qid(r);
  }

  Reply walk(uint32_t fid, uint32_t newfid, const std::vector<std::string>& names) {
    return call(MsgType::kTwalk, [&](Writer& w) {
      w.u32(fid); w.u32(newfid); w.u16(static_cast<uint16_t>(names.size()));
      for (const auto& n : names) w.str(n);
    });
  }
  // Walk that must succeed fully; returns the number of qids.
  int walk_ok(uint32_t fid, uint32_t newfid, const std::vector<std::string>& names) {
    auto rep = walk(fid, newfid, names);
    REQUIRE_MESSAGE(rep.error() == 0, "walk errno ", rep.error());
    auto r = rep.body();
    return r.u16();
  }
  Reply lopen(uint32_t fid, uint32_t flags) {
    return call(MsgType::kTlopen, [&](Writer& w) { w.u32(fid); w.u32(flags); });
  }
  Reply lcreate(uint32_t fid, const std::string& name, uint32_t flags, uint32_t mode) {
    return call(MsgType::kTlcreate, [&](Writer& w) { w.u32(fid); w.str(name); w.u32(flags); w.u32(mode); w.u32(0); });
  }
  Reply read(uint32_t fid, uint64_t offset, uint32_t count) {
    return call(MsgType::kTread, [&](Writer& w) { w.u32(fid); w.u64(offset); w.u32(count); });
  }
  std::string read_string(uint32_t fid, uint64_t offset, uint32_t count) {
    auto rep = read(fid, offset, count);
    REQUIRE_MESSAGE(rep.error() == 0, "read errno ", rep.error());
    auto r = rep.body();
    const uint32_t n = r.u32();
    auto data = r.bytes(n);
    return std::string(data.begin(), data.end());
  }
  Reply write(uint32_t fid, uint64_t offset, const std::string& data) {
    return call(MsgType::kTwrite, [&](Writer& w) {
      w.u32(fid); w.u64(offset); w.u32(static_cast<uint32_t>(data.size()));
      w.bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    });
  }
  Reply clunk(uint32_t fid) {
    return call(MsgType::kTclunk, [&](Writer& w) { w.u32(fid); });
  }
  Reply mkdir(uint32_t dfid, const std::string& name, uint32_t mode = 0755) {
    return call(MsgType::kTmkdir, [&](Writer& w) { w.u32(dfid); w.str(name); w.u32(mode); w.u32(0); });
  }
  Reply getattr(uint32_t fid) {
    return call(MsgType::kTgetattr, [&](Writer& w) { w.u32(fid); w.u64(kGetattrBasic); });
  }
  // Names from Treaddir of an opened directory fid, all pages.
  std::vector<std::string> readdir_all(uint32_t fid, uint32_t count = 4096) {
    std::vector<std::string> names;
    uint64_t offset = 0;
    for (int pages = 0; pages < 1000; ++pages) {
      auto rep = call(MsgType::kTreaddir, [&](Writer& w) { w.u32(fid); w.u64(offset); w.u32(count); });
      REQUIRE_MESSAGE(rep.error() == 0, "readdir errno ", rep.error());
      auto r = rep.body();
      const uint32_t n = r.u32();
      if (n == 0) break;
      Reader entries(r.bytes(n));
      while (entries.remaining() > 0) {
        (void)read_qid(entries);
        offset = entries.u64();
        (void)entries.u8();
        names.push_back(entries.str());
      }
    }
    return names;
  }

 private:
  Server& s_;
  uint16_t tag_ = 1;
};

}  // namespace runz::p9::test
