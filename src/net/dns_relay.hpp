// The host end of the zone's DNS relay (docs/ARCHITECTURE.md, "Network"; the protocol side is
// agent-proto/dns_message.hpp): asks a DNS server over UDP on a zone's behalf, one query at a time on a
// connected socket of its own, and hands back the server's answers under the zone's query ids.
//
// The server is Docker's embedded DNS, 127.0.0.11:53 in the container's network namespace on the host: the
// monitor stands in that namespace, so the sockets are made there (tests give another address). Nothing in
// a DNS message is interpreted; only lengths are checked. What a zone can make the host do is bounded:
// at most max_in_flight sockets at once (a query beyond is dropped and counted), each forgotten after
// `timeout` (counted), one datagram sent per query and one answer read. Not thread-safe: one thread (the agent
// session's pump) uses it.
#pragma once

#include <netinet/in.h>
#include <poll.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"

namespace runz::net {

using DnsClock = std::chrono::steady_clock;

inline constexpr size_t kDnsHeaderBytes = 12;      // a DNS message is at least its header (RFC 1035, 4.1.1)
inline constexpr size_t kMaxDnsUdpBytes = 4096;    // the largest query or answer relayed
inline constexpr uint16_t kEmbeddedDnsPort = 53;

// 127.0.0.11:53, where Docker's embedded DNS answers in a user-defined network's container namespace.
sockaddr_in embedded_dns_address() noexcept;

struct DnsRelayLimits {
  size_t max_in_flight = 32;
  std::chrono::milliseconds timeout{5000};
};

// An answer for the query submitted with `id`.
struct DnsReply {
  uint32_t id = 0;
  std::string message;
};

class DnsRelay {
 public:
  enum class Submit {
    kSent,     // on its way; an answer (or the timeout) follows
    kFull,     // max_in_flight queries wait already: dropped
    kInvalid,  // not kDnsHeaderBytes..kMaxDnsUdpBytes long: dropped
    kFailed,   // the socket could not be made, connected or written: dropped
  };
  struct Counters {
    uint64_t sent = 0;
    uint64_t answered = 0;
    uint64_t dropped_full = 0;
    uint64_t invalid = 0;     // queries of a wrong length, answers of a wrong length
    uint64_t failed = 0;      // socket errors (e.g. ECONNREFUSED: nothing listens at the server's address)
    uint64_t timed_out = 0;
  };

  explicit DnsRelay(const sockaddr_in& server, DnsRelayLimits limits = {});

  // Sends `message` to the server from a fresh connected UDP socket; `id` comes back with its answer.
  Submit submit(uint32_t id, std::string_view message, DnsClock::time_point now);
  // One pollfd (POLLIN) per query in flight, appended to `fds`.
  void add_poll_fds(std::vector<pollfd>& fds) const;
  // Reads the answers of the sockets `polled` (what add_poll_fds added, after poll) says are readable, and
  // forgets the queries whose timeout passed by `now`. A query's socket is closed once it answered, failed
  // or timed out.
  std::vector<DnsReply> collect(std::span<const pollfd> polled, DnsClock::time_point now);
  // The earliest timeout of a query in flight.
  std::optional<DnsClock::time_point> next_deadline() const;

  size_t in_flight() const noexcept { return queries_.size(); }
  const Counters& counters() const noexcept { return counters_; }

 private:
  struct Query {
    uint32_t id = 0;
    UniqueFd socket;
    DnsClock::time_point deadline;
  };

  sockaddr_in server_;
  DnsRelayLimits limits_;
  std::vector<Query> queries_;  // at most limits_.max_in_flight, oldest first
  Counters counters_;
};

}  // namespace runz::net
