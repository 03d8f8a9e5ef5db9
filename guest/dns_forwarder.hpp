// The zone's end of the DNS relay (docs/AGENT_PROTOCOL.md, "DNS relay"; agent-proto/dns_message.hpp).
//
// A container on a Docker user-defined network has `nameserver 127.0.0.11` in /etc/resolv.conf. Docker's
// embedded DNS answers there only in the container's network namespace on the host; in the zone, 127.0.0.11
// is the zone's own loopback (all of 127.0.0.0/8 is local on lo). So when a container's resolv.conf names
// that address, the agent listens on 127.0.0.11:53 (UDP) itself: each datagram a process sends there goes to
// the host as DNS_QUERY under a fresh id, and the host's DNS_ANSWER goes back to the process that asked.
// Bounds: at most kMaxDnsPending queries wait for their answer (a new one beyond drops the oldest), each
// forgotten kDnsQueryExpiry after it was asked; datagrams of a wrong length are dropped. Every drop is counted
// and logged at the first and every 100th. No TCP: a resolver that falls back to TCP (a truncated answer)
// gets no answer there.
#pragma once

#include "agent-proto/dns_message.hpp"
#include "common/drop_count.hpp"
#include "common/fd.hpp"

#include <netinet/in.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runz::guest {

using DnsClock = std::chrono::steady_clock;

inline constexpr const char* kEmbeddedDnsAddress = "127.0.0.11";
inline constexpr uint16_t kEmbeddedDnsPort = 53;
inline constexpr size_t kMaxDnsPending = 32;
// a little longer than the host's 5 s, so the host gives up on a query first
inline constexpr std::chrono::milliseconds kDnsQueryExpiry{6000};
// datagrams read per wakeup, so that a flood of queries cannot keep the agent's loop from the rest
inline constexpr size_t kMaxDnsDatagramsPerRound = 64;
// resolv.conf bytes read
inline constexpr size_t kMaxResolvConfBytes = 64 * 1024;

// True when resolv.conf text has a `nameserver 127.0.0.11` line.
bool names_embedded_dns(std::string_view resolv_conf);
// /etc/resolv.conf beneath `root` (resolved inside it: an image's absolute symlink stays in the image), at
// most kMaxResolvConfBytes; nullopt when it cannot be opened. In the agent, `root` is /proc/<pid>/root of a
// container's process.
std::optional<std::string> read_resolv_conf(const std::filesystem::path& root);

// The queries waiting for their answer: who asked, under which id, until when. Pure: no sockets.
class DnsPending {
 public:
  explicit DnsPending(size_t max_pending = kMaxDnsPending, std::chrono::milliseconds expiry = kDnsQueryExpiry);

  // Records a query from `client` under a fresh id (not 0, not one waiting) and returns the id. When
  // max_pending queries wait already, the oldest is forgotten first (dropped_oldest() counts it).
  uint32_t add(const sockaddr_in& client, DnsClock::time_point now);
  // The client of the query `id`, forgotten from now; nullopt for an id that is not waiting (expired,
  // dropped, answered already, or never asked).
  std::optional<sockaddr_in> take(uint32_t id);
  // Forgets the queries whose time is up at `now`; returns how many.
  size_t expire(DnsClock::time_point now);
  std::optional<DnsClock::time_point> next_expiry() const;
  size_t size() const noexcept { return entries_.size(); }
  uint64_t dropped_oldest() const noexcept { return dropped_oldest_; }

 private:
  struct Entry {
    uint32_t id = 0;
    sockaddr_in client{};
    DnsClock::time_point expires;
  };

  size_t max_pending_;
  std::chrono::milliseconds expiry_;
  std::deque<Entry> entries_;  // oldest first
  uint32_t next_id_ = 1;
  uint64_t dropped_oldest_ = 0;
};

class DnsForwarder {
 public:
  using Log = std::function<void(std::string_view)>;  // the agent's LOG

  // Binds a UDP socket on `address`:`port` (IPv4; kEmbeddedDnsAddress:kEmbeddedDnsPort in a zone, port 0
  // in tests). Throws runz::Error naming the address.
  DnsForwarder(const std::string& address, uint16_t port, Log log, DnsPending pending = DnsPending());

  int fd() const noexcept { return socket_.get(); }
  // Where the socket is bound (the port the kernel picked for port 0).
  sockaddr_in address() const;

  // Reads up to kMaxDnsDatagramsPerRound waiting datagrams; each one of kMinDnsMessageBytes..
  // kMaxDnsMessageBytes becomes a query appended to `queries` (to go out as DNS_QUERY), the others are dropped.
  void on_readable(DnsClock::time_point now, std::vector<agent_proto::DnsMessage>& queries);
  // Sends a DNS_ANSWER's message to the client of its query; an id that is not waiting is dropped.
  void on_answer(const agent_proto::DnsMessage& answer);
  // Forgets queries whose time is up.
  void expire(DnsClock::time_point now);
  std::optional<DnsClock::time_point> next_expiry() const { return pending_.next_expiry(); }
  // Logs a malformed DNS_ANSWER (what parse_dns_message threw), counted with the other drops of answers.
  void on_bad_answer(std::string_view why);

 private:
  void note(DropCount& drops, std::string_view what);

  UniqueFd socket_;
  Log log_;
  DnsPending pending_;
  DropCount bad_queries_, dropped_queries_, expired_, unknown_answers_, bad_answers_, unsent_answers_;
};

}  // namespace runz::guest
