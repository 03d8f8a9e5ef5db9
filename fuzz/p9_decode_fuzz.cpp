// libFuzzer target: arbitrary bytes into the 9P2000.L server core on a temporary export.
// Input: byte 0 picks the export (bit 0: read-only, bit 1: single-file); the rest is a sequence of
// requests, each prefixed by a little-endian u16 length. A Tversion and Tattach run first so that the
// fuzzer starts inside a session; every reply must be a well-formed message no larger than msize.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <cstdlib>
#include <functional>
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "xen/p9/server.hpp"
#include "xen/p9/wire.hpp"

using namespace runz::p9;

namespace {
std::string g_dir;

void remove_export() {
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);  // what the requests made in it too; links are not followed
}

void setup_export() {
  char tmpl[] = "/tmp/runz-p9-fuzz-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) ::abort();
  g_dir = tmpl;
  std::atexit(remove_export);  // each ctest run would leave one behind
  ::mkdir((g_dir + "/d").c_str(), 0755);
  FILE* f = std::fopen((g_dir + "/f").c_str(), "w");
  if (f != nullptr) {
    std::fputs("file contents\n", f);
    std::fclose(f);
  }
  (void)::symlink("/etc/passwd", (g_dir + "/abs").c_str());
  (void)::symlink("../..", (g_dir + "/d/up").c_str());
}

std::vector<uint8_t> msg(MsgType t, uint16_t tag, const std::function<void(Writer&)>& fill) {
  Writer w(static_cast<uint8_t>(t), tag);
  fill(w);
  return std::move(w).finish();
}

void check_reply(const std::vector<uint8_t>& reply, const Server& s) {
  if (reply.size() < kHeaderBytes || reply.size() > s.msize()) ::abort();
  if (peek_header(reply).size != reply.size()) ::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (g_dir.empty()) setup_export();
  if (size == 0) return 0;
  const bool ro = (data[0] & 1) != 0;
  const bool single = (data[0] & 2) != 0;
  Server s(single ? Export::open_single_file(g_dir + "/f", "hosts", ro) : Export::open_directory(g_dir, ro),
           ServerLimits{16384, 32});
  check_reply(s.handle(msg(MsgType::kTversion, kNoTag, [](Writer& w) { w.u32(16384); w.str(kVersion9P2000L); })), s);
  check_reply(s.handle(msg(MsgType::kTattach, 1, [](Writer& w) {
                w.u32(0); w.u32(kNoFid); w.str(""); w.str(""); w.u32(0);
              })),
              s);
  size_t pos = 1;
  for (int n = 0; n < 64 && pos + 2 <= size; ++n) {
    const size_t len = static_cast<size_t>(data[pos]) | static_cast<size_t>(data[pos + 1]) << 8;
    pos += 2;
    const size_t take = std::min(len, size - pos);
    check_reply(s.handle(std::span<const uint8_t>(data + pos, take)), s);
    pos += take;
  }
  return 0;
}
