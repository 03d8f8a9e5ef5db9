// The agent session's pump thread: the channel's bytes both ways, the agent's frames into the process table,
// stdin and terminal sizes out (agent_session.hpp).
#include "xen/agent_session.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>
#include <vector>

#include "agent-proto/dns_message.hpp"
#include "common/error.hpp"
#include "common/printable.hpp"
#include "xen/log.hpp"

namespace runz::xen {
namespace {

namespace ap = runz::agent_proto;

// the relay checks what the protocol carries: the same bounds
static_assert(net::kDnsHeaderBytes == ap::kMinDnsMessageBytes && net::kMaxDnsUdpBytes == ap::kMaxDnsMessageBytes);

// Console text kept in memory for error messages (the whole text goes to the console sink).
constexpr size_t kConsoleTailBytes = 4096;
constexpr size_t kAgentLogTailLines = 4;
// Outgoing bytes above which stdin is not read (back-pressure towards the stdin writer).
constexpr size_t kMaxPendingOutBytes = 64 * 1024;
// Channel bytes read per pump round. A zone that keeps its ring full must not keep the pump reading: after
// this much the round handles what it read and looks at stop, stdin and the end check before reading on, so
// what one round holds (the bytes, their decoded events) stays bounded too.
constexpr size_t kMaxReadBytesPerRound = 64 * 1024;
constexpr std::chrono::milliseconds kPumpIdlePoll{1000};
constexpr std::chrono::milliseconds kPumpBusyPoll{50};
// how soon a resize of a host terminal reaches the zone (its size is polled, see terminal_resizes.hpp)
constexpr std::chrono::milliseconds kPumpTerminalPoll{250};

// A STDOUT/STDERR payload to the fd given for it; an empty payload is EOF (the fd is closed so the reader
// sees end of file). A reader that went away closes the fd: the process's output is then discarded.
void write_stdio(UniqueFd& fd, const ap::Frame& frame, const std::string& whose) {
  if (frame.payload.empty()) {
    fd.reset();
    return;
  }
  if (!fd.valid()) return;
  try {
    write_all(fd.get(), frame.payload, "write");
  } catch (const std::exception& e) {
    log_warning("zone: writing " + whose + (frame.type == ap::MessageType::kStdout ? " stdout" : " stderr") + ": " +
                e.what());
    fd.reset();
  }
}

}  // namespace

void AgentSession::pump() noexcept {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    try {
      pump_once();
    } catch (const std::exception& e) {
      // what() may quote the zone's bytes (a frame that did not parse): escaped for the log and the errors
      const std::string what = escape_controls(e.what());
      log_error(options_.name + ": console pump: " + what);
      std::lock_guard lock(mutex_);
      pump_failure_ = "console pump: " + what;
      cv_.notify_all();
      return;
    }
  }
}

std::string AgentSession::for_channel(std::string_view frames) const {
  return double_0f_ ? ap::double_sysrq_prefix(frames) : std::string(frames);
}

void AgentSession::pump_once() {
  // stdin to relay: (handle, fd) of running processes
  std::vector<std::pair<uint32_t, int>> stdins;
  std::vector<std::pair<uint32_t, int>> terminals;  // (handle, host pty) of running processes with a terminal
  {
    std::lock_guard lock(mutex_);
    out_pending_ += for_channel(outgoing_);
    outgoing_.clear();
    out_pending_ += outgoing_raw_;
    outgoing_raw_.clear();
    for (const auto& [handle, p] : processes_) {
      if (!p.relay_stdin) continue;
      if (p.stdio.in.valid()) stdins.emplace_back(handle, p.stdio.in.get());
      if (p.terminal && !p.exit && p.stdio.out.valid()) terminals.emplace_back(handle, p.stdio.out.get());
    }
  }
  // Window sizes are polled (a pty master gets no event when its size changes) on every iteration, before
  // stdin is read: input typed after a resize must not reach the zone before that resize does.
  out_pending_ += for_channel(terminal_resizes_.changed_frames(terminals));
  if (!out_pending_.empty()) {
    size_t n = channel_->write_some(std::as_bytes(std::span(out_pending_.data(), out_pending_.size())));
    out_pending_.erase(0, n);
    bytes_sent_ += n;
  }
  bytes_unsent_ = out_pending_.size();

  std::vector<pollfd> fds;
  fds.push_back({channel_->fd(), POLLIN, 0});
  fds.push_back({wake_.get(), POLLIN, 0});
  if (options_.end_fd >= 0) fds.push_back({options_.end_fd, POLLIN, 0});
  const size_t first_stdin = fds.size();
  const bool read_stdin = !stdins.empty() && out_pending_.size() < kMaxPendingOutBytes;
  if (read_stdin)
    for (const auto& [handle, fd] : stdins) fds.push_back({fd, POLLIN, 0});
  const size_t end_stdin = fds.size();
  if (dns_relay_) dns_relay_->add_poll_fds(fds);
  // A round that stopped reading at its bound left bytes waiting that may raise no new event: no waiting then.
  auto wait = channel_backlog_         ? std::chrono::milliseconds{0}
              : !out_pending_.empty() ? kPumpBusyPoll
              : terminals.empty()     ? kPumpIdlePoll
                                      : kPumpTerminalPoll;
  if (const auto deadline = dns_relay_ ? dns_relay_->next_deadline() : std::nullopt) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - net::DnsClock::now());
    wait = std::clamp(left, std::chrono::milliseconds{0}, wait);
  }
  int n = ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()));
  if (n < 0 && errno != EINTR) throw_errno("poll");

  if (fds[0].revents & POLLIN) channel_->handle_event();
  std::array<std::byte, 4096> buf{};
  std::vector<ap::Event> events;
  size_t round_bytes = 0;
  channel_backlog_ = false;
  while (!channel_backlog_) {
    size_t got = channel_->read_available(buf);
    if (got == 0) break;
    bytes_received_ += got;
    decoder_.feed(std::string_view(reinterpret_cast<const char*>(buf.data()), got), events);
    round_bytes += got;
    channel_backlog_ = round_bytes >= kMaxReadBytesPerRound;
  }
  bytes_undecoded_ = decoder_.pending_bytes();
  for (const ap::Event& ev : events) {
    if (const auto* frame = std::get_if<ap::Frame>(&ev)) {
      ++frames_received_;
      on_frame(*frame);
    } else {
      on_console_text(std::get<ap::ConsoleText>(ev).bytes);
    }
  }
  if (fds[1].revents & POLLIN) {
    uint64_t v = 0;
    (void)!::read(wake_.get(), &v, sizeof(v));
  }
  for (size_t i = first_stdin; i < end_stdin; ++i) {
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) relay_stdin(fds[i].fd, stdins[i - first_stdin].first);
  }
  relay_dns_answers(std::span(fds).subspan(end_stdin));
  check_end();
}

void AgentSession::check_end() {
  if (!options_.end_check) return;
  std::optional<std::string> reason = options_.end_check();
  if (!reason) return;
  std::lock_guard lock(mutex_);
  if (end_) return;
  log_info(options_.name + ": " + *reason);
  end_ = std::move(reason);
  cv_.notify_all();
}

// One read of a process's stdin into a STDIN frame; end of file (or an error) becomes the empty STDIN frame
// and the fd is closed.
void AgentSession::relay_stdin(int fd, uint32_t handle) {
  std::array<char, 8192> in{};
  ssize_t r = ::read(fd, in.data(), in.size());
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  std::string frame;
  // r <= 0: end of file (or an error) is the empty STDIN frame
  ap::append_frame(frame, ap::MessageType::kStdin, handle, std::string_view(in.data(), r > 0 ? static_cast<size_t>(r) : 0));
  out_pending_ += for_channel(frame);
  if (r > 0) return;
  std::lock_guard lock(mutex_);
  if (auto it = processes_.find(handle); it != processes_.end()) it->second.stdio.in.reset();
}

void AgentSession::on_console_text(std::string_view text) {
  if (options_.console_sink) options_.console_sink(text);
  std::lock_guard lock(mutex_);
  console_tail_.insert(console_tail_.end(), text.begin(), text.end());
  while (console_tail_.size() > kConsoleTailBytes) console_tail_.pop_front();
}

void AgentSession::on_frame(const ap::Frame& frame) {
  using T = ap::MessageType;
  switch (frame.type) {
    case T::kHello: {
      auto hello = ap::parse_hello(frame.payload);
      log_info(options_.name + ": agent " + escape_controls(hello.agent) + " ready (kernel " +
               escape_controls(hello.kernel) + ")");
      double_0f_ = hello.console_sysrq;
      std::lock_guard lock(mutex_);
      hello_ = true;
      break;
    }
    case T::kLog: {
      on_console_text("agent: " + frame.payload + "\n");
      std::lock_guard lock(mutex_);
      agent_log_tail_.push_back(frame.payload);
      if (agent_log_tail_.size() > kAgentLogTailLines) agent_log_tail_.pop_front();
      break;
    }
    case T::kDnsQuery: on_dns_query(frame); return;  // nothing waits on it
    default: on_process_frame(frame); break;
  }
  cv_.notify_all();
}

// A DNS_QUERY goes to the relay; whatever is wrong with it is the zone's loss (a resolver retries), counted.
void AgentSession::on_dns_query(const ap::Frame& frame) {
  ap::DnsMessage query;
  try {
    query = ap::parse_dns_message(frame.type, frame.payload);
  } catch (const ap::ProtocolError& e) {
    log_dns_drop(dns_bad_queries_, std::string("malformed DNS_QUERY: ") + e.what());
    return;
  }
  if (!dns_relay_) {
    log_dns_drop(dns_dropped_queries_, "DNS_QUERY dropped: no DNS relay for this zone");
    return;
  }
  switch (dns_relay_->submit(query.id, query.message, net::DnsClock::now())) {
    case net::DnsRelay::Submit::kSent: break;
    case net::DnsRelay::Submit::kFull:
      log_dns_drop(dns_dropped_queries_, "DNS_QUERY dropped: " + std::to_string(dns_relay_->in_flight()) +
                                             " queries in flight already");
      break;
    case net::DnsRelay::Submit::kInvalid:  // not reached: parse_dns_message checked the same bounds
      log_dns_drop(dns_bad_queries_, "DNS_QUERY dropped: its length is out of range");
      break;
    case net::DnsRelay::Submit::kFailed:
      log_dns_drop(dns_dropped_queries_, "DNS_QUERY dropped: it could not be sent to the DNS server");
      break;
  }
}

void AgentSession::relay_dns_answers(std::span<const pollfd> polled) {
  if (!dns_relay_) return;
  const auto& counted = dns_relay_->counters();
  const uint64_t unanswered_before = counted.failed + counted.timed_out + counted.invalid;
  const std::vector<net::DnsReply> replies = dns_relay_->collect(polled, net::DnsClock::now());
  for (uint64_t n = counted.failed + counted.timed_out + counted.invalid; n > unanswered_before; --n)
    log_dns_drop(dns_unanswered_, "a DNS query got no answer from the DNS server (a socket error such as "
                                  "ECONNREFUSED, the timeout, or an answer of a wrong length)");
  for (const net::DnsReply& reply : replies) {
    // answers are not worth holding back what else waits for the channel (at most 32 are in flight anyway)
    if (out_pending_.size() >= kMaxPendingOutBytes) {
      log_dns_drop(dns_dropped_answers_, "DNS_ANSWER dropped: the console channel is backed up");
      continue;
    }
    out_pending_ += for_channel(ap::encode_dns(ap::MessageType::kDnsAnswer, ap::DnsMessage{reply.id, reply.message}));
  }
}

void AgentSession::log_dns_drop(DropCount& drops, std::string_view what) {
  if (drops.count())
    log_warning(options_.name + ": " + escape_controls(what) + " (" + std::to_string(drops.total()) + " so far)");
}

// Frames about one process. Stream 0 is the zone as a whole; what the agent says there (the ERROR that ended
// it) goes to the main process, the zone's reason to be.
void AgentSession::on_process_frame(const ap::Frame& frame) {
  using T = ap::MessageType;
  const uint32_t handle = frame.stream == ap::kZoneStream ? kMainHandle : frame.stream;
  std::unique_lock lock(mutex_);
  auto it = processes_.find(handle);
  if (it == processes_.end()) {
    log_warning(options_.name + ": " + std::string(ap::type_name(frame.type)) + " frame for unknown process " +
                std::to_string(frame.stream));
    return;
  }
  Process& p = it->second;
  switch (frame.type) {
    case T::kCreated: p.created_pid = ap::parse_process_pid(frame.payload).pid; break;
    case T::kStarted: p.pid = ap::parse_process_pid(frame.payload).pid; break;
    case T::kNetworkReady: p.request_done = true; break;
    case T::kUpdated:
      p.cgroup_usage = ap::parse_updated(frame.payload);
      p.request_done = true;
      break;
    case T::kError: {
      p.error = ap::parse_error_report(frame.payload);
      log_warning(options_.name + ": agent error for process " + std::to_string(frame.stream) + ": " +
                  escape_controls(p.error->step) + ": " + escape_controls(p.error->message));
      break;
    }
    case T::kStdout:
    case T::kStderr: {
      if (p.exit && handle != kMainHandle) break;  // its entry waits only for a request (see Process)
      UniqueFd& fd = frame.type == T::kStdout ? p.stdio.out : p.stdio.err;
      lock.unlock();  // the pump erases a started process's entry at EXIT, and it is here
      write_stdio(fd, frame, handle == kMainHandle ? "container" : "exec'd process");
      break;
    }
    case T::kExit: {
      const ap::Exit e = ap::parse_exit(frame.payload);
      if (handle == kMainHandle) {
        p.exit = e;  // wait_exit() reads it; the main process's stdio stays with the session
        break;
      }
      auto on_exit = std::move(p.on_exit);
      if (p.waiters == 0) {
        processes_.erase(it);
      } else {
        p.exit = e;
        p.stdio = zone::ZoneStdio{};
      }
      lock.unlock();
      if (on_exit) on_exit(zone::ZoneExit{e.status, e.signal, e.oom_killed});
      break;
    }
    default:
      log_warning(options_.name + ": unexpected " + std::string(ap::type_name(frame.type)) + " frame for process " +
                  std::to_string(frame.stream));
      break;
  }
}

}  // namespace runz::xen
