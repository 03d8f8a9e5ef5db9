#include "net/dns_relay.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace runz::net {

sockaddr_in embedded_dns_address() noexcept {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(kEmbeddedDnsPort);
  a.sin_addr.s_addr = htonl(0x7F00000Bu);  // 127.0.0.11
  return a;
}

DnsRelay::DnsRelay(const sockaddr_in& server, DnsRelayLimits limits) : server_(server), limits_(limits) {
  queries_.reserve(limits_.max_in_flight);
}

DnsRelay::Submit DnsRelay::submit(uint32_t id, std::string_view message, DnsClock::time_point now) {
  if (message.size() < kDnsHeaderBytes || message.size() > kMaxDnsUdpBytes) {
    ++counters_.invalid;
    return Submit::kInvalid;
  }
  if (queries_.size() >= limits_.max_in_flight) {
    ++counters_.dropped_full;
    return Submit::kFull;
  }
  UniqueFd socket(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const bool sent = socket &&
                    ::connect(socket.get(), reinterpret_cast<const sockaddr*>(&server_), sizeof server_) == 0 &&
                    ::send(socket.get(), message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL) ==
                        static_cast<ssize_t>(message.size());
  if (!sent) {
    ++counters_.failed;
    return Submit::kFailed;
  }
  queries_.push_back(Query{id, std::move(socket), now + limits_.timeout});
  ++counters_.sent;
  return Submit::kSent;
}

void DnsRelay::add_poll_fds(std::vector<pollfd>& fds) const {
  for (const Query& q : queries_) fds.push_back({q.socket.get(), POLLIN, 0});
}

std::vector<DnsReply> DnsRelay::collect(std::span<const pollfd> polled, DnsClock::time_point now) {
  std::vector<DnsReply> replies;
  std::array<char, kMaxDnsUdpBytes + 1> buffer{};  // one byte more: a longer answer shows as truncated
  for (const pollfd& p : polled) {
    if (p.revents == 0) continue;
    auto it = std::find_if(queries_.begin(), queries_.end(), [&](const Query& q) { return q.socket.get() == p.fd; });
    if (it == queries_.end()) continue;
    const ssize_t n = ::recv(it->socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;  // nothing after all: keep waiting
    if (n < 0) {
      ++counters_.failed;
    } else if (static_cast<size_t>(n) < kDnsHeaderBytes || static_cast<size_t>(n) > kMaxDnsUdpBytes) {
      ++counters_.invalid;
    } else {
      replies.push_back(DnsReply{it->id, std::string(buffer.data(), static_cast<size_t>(n))});
      ++counters_.answered;
    }
    queries_.erase(it);
  }
  const auto before = queries_.size();
  std::erase_if(queries_, [&](const Query& q) { return q.deadline <= now; });
  counters_.timed_out += before - queries_.size();
  return replies;
}

std::optional<DnsClock::time_point> DnsRelay::next_deadline() const {
  if (queries_.empty()) return std::nullopt;
  return queries_.front().deadline;  // oldest first, one timeout for all
}

}  // namespace runz::net
