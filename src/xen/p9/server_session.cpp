// Session messages: Tversion, Tattach, Twalk, Tclunk, Tflush.
#include <algorithm>

#include "xen/p9/op_error.hpp"
#include "xen/p9/server.hpp"

namespace runz::p9 {

void Server::do_version(Reader& r, Writer& w) {
  const uint32_t msize = r.u32();
  const std::string version = r.str();
  r.finish();
  // A Tversion starts a new session: every fid of the previous one is gone.
  fids_.clear();
  versioned_ = false;
  msize_ = limits_.max_msize_bytes;
  if (msize < kMinMsizeBytes) throw OpError{EINVAL};
  const uint32_t negotiated = std::min(msize, limits_.max_msize_bytes);
  w.u32(negotiated);
  if (version != kVersion9P2000L) {
    w.str("unknown");
    return;
  }
  w.str(kVersion9P2000L);
  msize_ = negotiated;
  versioned_ = true;
}

void Server::do_attach(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  (void)r.u32();  // afid: no authentication
  (void)r.str();  // uname
  (void)r.str();  // aname: one export per server, it selects nothing
  const uint32_t n_uname = r.u32();
  r.finish();
  if (fids_.contains(fid)) throw OpError{EEXIST};
  Fid f = make_fid({}, n_uname == kNoUid ? 0 : n_uname);
  const Qid q = qid_of(f);
  fids_.insert(fid, std::move(f));
  w.qid(q);
}

void Server::do_walk(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  const uint32_t newfid = r.u32();
  const uint16_t nwname = r.u16();
  if (nwname > kMaxWalkNames) throw DecodeError(DecodeFault::kTooManyWalkNames);
  std::vector<std::string> names;
  names.reserve(nwname);
  for (uint16_t i = 0; i < nwname; ++i) names.push_back(r.name());
  r.finish();

  Fid& src = fids_.get(fid);
  if (newfid != fid && fids_.contains(newfid)) throw OpError{EEXIST};
  if (newfid == kNoFid) throw OpError{EBADF};

  std::vector<Qid> qids;
  RelPath cur = src.path;
  bool cur_is_dir = src.is_dir;
  Fid result;
  if (names.empty()) result = make_fid(cur, src.uid);
  for (size_t i = 0; i < names.size(); ++i) {
    try {
      if (!cur_is_dir) throw OpError{ENOTDIR};
      RelPath next = cur;
      if (names[i] == "..") {
        if (!next.empty()) next.pop_back();  // ".." at the root stays at the root
      } else {
        next.push_back(names[i]);
      }
      Fid f = make_fid(next, src.uid);
      qids.push_back(qid_of(f));
      cur_is_dir = f.is_dir;
      cur = std::move(next);
      result = std::move(f);
    } catch (const OpError&) {
      if (i == 0) throw;
      break;  // partial walk: report the qids walked, newfid is not created
    }
  }
  if (qids.size() == names.size()) fids_.replace(newfid, std::move(result));
  w.u16(static_cast<uint16_t>(qids.size()));
  for (const auto& q : qids) w.qid(q);
}

void Server::do_clunk(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  r.finish();
  fids_.erase(fid);
}

void Server::do_flush(Reader& r, Writer&) {
  (void)r.u16();  // oldtag: requests are answered in order, so it has already been answered
  r.finish();
}

}  // namespace runz::p9
