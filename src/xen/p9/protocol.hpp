// 9P2000.L protocol constants, as the Linux client speaks them (include/net/9p/9p.h, fs/9p/).
//
// Primer. Every message is `size[4] type[1] tag[2] body…`, little-endian; `size` counts the whole
// message including itself. Strings are `len[2] bytes` (no NUL). A qid is `type[1] version[4] path[8]`.
// The client (T-messages) names files by fids, 32-bit handles it chooses; the server (R-messages) answers
// each T-message with its R-message (type + 1) or with Rlerror `ecode[4]` (a Linux errno). 9P2000.L
// is the Linux dialect: open flags, modes, errnos and attribute masks are Linux values.
#pragma once

#include <cstddef>
#include <cstdint>

namespace runz::p9 {

// Message types (T = request, R = reply = T + 1). Values from include/net/9p/9p.h.
enum class MsgType : uint8_t {
  kTlerror = 6,  // never valid from a client
  kRlerror = 7,
  kTstatfs = 8,
  kTlopen = 12,
  kTlcreate = 14,
  kTsymlink = 16,
  kTmknod = 18,
  kTrename = 20,
  kTreadlink = 22,
  kTgetattr = 24,
  kTsetattr = 26,
  kTxattrwalk = 30,
  kTxattrcreate = 32,
  kTreaddir = 40,
  kTfsync = 50,
  kTlock = 52,
  kTgetlock = 54,
  kTlink = 70,
  kTmkdir = 72,
  kTrenameat = 74,
  kTunlinkat = 76,
  kTversion = 100,
  kTauth = 102,
  kTattach = 104,
  kTflush = 108,
  kTwalk = 110,
  kTread = 116,
  kTwrite = 118,
  kTclunk = 120,
  kTremove = 122,
};

constexpr uint8_t reply_type(MsgType t) { return static_cast<uint8_t>(static_cast<uint8_t>(t) + 1); }

constexpr size_t kHeaderBytes = 7;        // size[4] type[1] tag[2]
constexpr size_t kQidBytes = 13;          // type[1] version[4] path[8]
constexpr size_t kIoHeaderBytes = 11;     // header + count[4]: what Rread/Rreaddir spend before data
constexpr uint16_t kNoTag = 0xFFFF;
constexpr uint32_t kNoFid = 0xFFFFFFFF;
constexpr uint32_t kNoUid = 0xFFFFFFFF;   // n_uname "unset"
constexpr size_t kMaxWalkNames = 16;      // MAXWELEM
constexpr uint32_t kMinMsizeBytes = 4096; // the Linux client never asks for less
constexpr const char* kVersion9P2000L = "9P2000.L";

// qid.type bits.
constexpr uint8_t kQtDir = 0x80;
constexpr uint8_t kQtSymlink = 0x02;
constexpr uint8_t kQtFile = 0x00;

struct Qid {
  uint8_t type = 0;
  uint32_t version = 0;
  uint64_t path = 0;
  friend bool operator==(const Qid&, const Qid&) = default;
};

// Tgetattr request_mask / Rgetattr valid bits.
constexpr uint64_t kGetattrBasic = 0x000007ffULL;  // mode…blocks, the fields a stat(2) fills

// Tsetattr valid bits.
constexpr uint32_t kSetattrMode = 0x001;
constexpr uint32_t kSetattrUid = 0x002;
constexpr uint32_t kSetattrGid = 0x004;
constexpr uint32_t kSetattrSize = 0x008;
constexpr uint32_t kSetattrAtime = 0x010;
constexpr uint32_t kSetattrMtime = 0x020;
constexpr uint32_t kSetattrCtime = 0x040;
constexpr uint32_t kSetattrAtimeSet = 0x080;
constexpr uint32_t kSetattrMtimeSet = 0x100;

// Tlopen/Tlcreate flags (P9_DOTL_*; equal to the x86 Linux O_* values).
constexpr uint32_t kDotlAccmode = 03;
constexpr uint32_t kDotlWronly = 01;
constexpr uint32_t kDotlRdwr = 02;
constexpr uint32_t kDotlCreate = 0100;
constexpr uint32_t kDotlExcl = 0200;
constexpr uint32_t kDotlTrunc = 01000;
constexpr uint32_t kDotlAppend = 02000;
constexpr uint32_t kDotlDsync = 010000;
constexpr uint32_t kDotlDirectory = 0200000;
constexpr uint32_t kDotlSync = 04000000;

// Tunlinkat flags.
constexpr uint32_t kDotlAtRemovedir = 0x200;

// Tlock / Tgetlock.
constexpr uint8_t kLockSuccess = 0;
constexpr uint8_t kLockTypeUnlck = 2;

}  // namespace runz::p9
