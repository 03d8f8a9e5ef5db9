// Tests only: a UDP socket on 127.0.0.1 (an ephemeral port) standing in for a DNS server, for the relay's
// tests (net/dns_relay_test.cpp) and the agent session's (xen/agent_session_test.cpp).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <string>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::net {

class FakeDnsServer {
 public:
  FakeDnsServer() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (!fd_) throw_errno("fake DNS server: socket");
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address_), sizeof address_) != 0)
      throw_errno("fake DNS server: bind");
    socklen_t len = sizeof address_;
    if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address_), &len) != 0)
      throw_errno("fake DNS server: getsockname");
  }

  const sockaddr_in& address() const noexcept { return address_; }

  // Receives one query (waiting up to 5 s) and sends `answer` to whoever sent it; returns the query.
  std::string answer_next(const std::string& answer) const {
    if (!wait_readable(fd_.get(), std::chrono::milliseconds(5000))) throw Error("fake DNS server: no query in 5 s");
    std::array<char, 8192> buffer{};
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) throw_errno("fake DNS server: recvfrom");
    if (::sendto(fd_.get(), answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&from), len) !=
        static_cast<ssize_t>(answer.size()))
      throw_errno("fake DNS server: sendto");
    return std::string(buffer.data(), static_cast<size_t>(n));
  }

 private:
  UniqueFd fd_;
  sockaddr_in address_{};
};

}  // namespace runz::net
