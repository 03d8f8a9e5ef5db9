#include "guest/dns_forwarder.hpp"

#include "common/error.hpp"
#include "common/in_root.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace runz::guest {

namespace ap = agent_proto;

namespace {

// The next blank-separated field of `line`, consumed from it ("" at the end).
std::string_view next_field(std::string_view& line) {
  constexpr std::string_view kBlanks = " \t\r";
  const size_t start = line.find_first_not_of(kBlanks);
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  const size_t end = std::min(line.find_first_of(kBlanks), line.size());
  const std::string_view field = line.substr(0, end);
  line.remove_prefix(end);
  return field;
}

}  // namespace

bool names_embedded_dns(std::string_view text) {
  while (!text.empty()) {
    const size_t eol = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(std::min(eol + 1, text.size()));
    // a comment line (# or ;) has no "nameserver" field first
    if (next_field(line) == "nameserver" && next_field(line) == kEmbeddedDnsAddress) return true;
  }
  return false;
}

std::optional<std::string> read_resolv_conf(const std::filesystem::path& root) {
  const UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return std::nullopt;
  const UniqueFd fd = open_in_root(root_fd.get(), "/etc/resolv.conf", O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (!fd) return std::nullopt;
  std::string text;
  std::array<char, 4096> buffer{};
  while (text.size() < kMaxResolvConfBytes) {
    const ssize_t n = ::read(fd.get(), buffer.data(), std::min(buffer.size(), kMaxResolvConfBytes - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    text.append(buffer.data(), static_cast<size_t>(n));
  }
  return text;
}

// --- DnsPending ----------------------------------------------------------------------------------------------

DnsPending::DnsPending(size_t max_pending, std::chrono::milliseconds expiry)
    : max_pending_(std::max<size_t>(max_pending, 1)), expiry_(expiry) {}

uint32_t DnsPending::add(const sockaddr_in& client, DnsClock::time_point now) {
  if (entries_.size() >= max_pending_) {
    entries_.pop_front();
    ++dropped_oldest_;
  }
  // at most max_pending_ ids wait, so this ends within max_pending_ + 2 steps
  uint32_t id = 0;
  auto waiting = [&](uint32_t candidate) {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == candidate; });
  };
  do id = next_id_++;
  while (id == 0 || waiting(id));
  entries_.push_back(Entry{id, client, now + expiry_});
  return id;
}

std::optional<sockaddr_in> DnsPending::take(uint32_t id) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
  if (it == entries_.end()) return std::nullopt;
  const sockaddr_in client = it->client;
  entries_.erase(it);
  return client;
}

size_t DnsPending::expire(DnsClock::time_point now) {
  size_t n = 0;
  // one expiry for all, so the oldest ends first
  while (!entries_.empty() && entries_.front().expires <= now) {
    entries_.pop_front();
    ++n;
  }
  return n;
}

std::optional<DnsClock::time_point> DnsPending::next_expiry() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.front().expires;
}

// --- DnsForwarder --------------------------------------------------------------------------------------------

DnsForwarder::DnsForwarder(const std::string& address, uint16_t port, Log log, DnsPending pending)
    : log_(std::move(log)), pending_(std::move(pending)) {
  const std::string where = address + ":" + std::to_string(port);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
    throw Error("DNS forwarder: " + runz::quoted(address) + " is not an IPv4 address", EINVAL);
  socket_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket_) throw_errno("DNS forwarder: socket");
  if (::bind(socket_.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throw_errno("DNS forwarder: bind " + runz::quoted(where));
}

sockaddr_in DnsForwarder::address() const {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) throw_errno("DNS forwarder: getsockname");
  return a;
}

void DnsForwarder::note(DropCount& drops, std::string_view what) {
  if (drops.count() && log_) log_("dns: " + std::string(what) + " (" + std::to_string(drops.total()) + " so far)");
}

void DnsForwarder::on_readable(DnsClock::time_point now, std::vector<ap::DnsMessage>& queries) {
  std::array<char, ap::kMaxDnsMessageBytes + 1> buffer{};  // one byte more: a longer datagram shows as truncated
  for (size_t round = 0; round < kMaxDnsDatagramsPerRound; ++round) {
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(socket_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN: all read
    if (!ap::dns_message_size_ok(static_cast<size_t>(n))) {
      note(bad_queries_, "query of " + std::to_string(n) + " bytes dropped: a DNS message has " +
                             std::to_string(ap::kMinDnsMessageBytes) + ".." +
                             std::to_string(ap::kMaxDnsMessageBytes));
      continue;
    }
    if (from_len != sizeof from || from.sin_family != AF_INET) continue;  // not from an IPv4 client: no reply
    const uint64_t dropped_before = pending_.dropped_oldest();
    const uint32_t id = pending_.add(from, now);
    if (pending_.dropped_oldest() != dropped_before)
      note(dropped_queries_, "oldest query dropped: " + std::to_string(kMaxDnsPending) + " were waiting");
    queries.push_back(ap::DnsMessage{id, std::string(buffer.data(), static_cast<size_t>(n))});
  }
}

void DnsForwarder::on_answer(const ap::DnsMessage& answer) {
  const std::optional<sockaddr_in> client = pending_.take(answer.id);
  if (!client) {
    note(unknown_answers_, "answer " + std::to_string(answer.id) + " dropped: no query waits for it");
    return;
  }
  const ssize_t n = ::sendto(socket_.get(), answer.message.data(), answer.message.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&*client), sizeof *client);
  if (n != static_cast<ssize_t>(answer.message.size()))
    note(unsent_answers_, "answer " + std::to_string(answer.id) + " could not be sent to its client");
}

void DnsForwarder::on_bad_answer(std::string_view why) { note(bad_answers_, "malformed DNS_ANSWER: " + std::string(why)); }

void DnsForwarder::expire(DnsClock::time_point now) {
  bool log = false;
  for (size_t n = pending_.expire(now); n > 0; --n) log = expired_.count() || log;
  if (log && log_)
    log_("dns: queries unanswered after " + std::to_string(kDnsQueryExpiry.count()) + " ms (" +
         std::to_string(expired_.total()) + " so far)");
}

}  // namespace runz::guest
