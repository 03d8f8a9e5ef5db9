// Unix stream sockets as ttrpc uses them. Address forms (containerd 1.6, runtime/v2/shim/util_unix.go):
//   "unix:///run/containerd/s/<hash>"  a socket file (what a shim prints from `start`)
//   "/run/containerd/containerd.sock.ttrpc"  a socket file (TTRPC_ADDRESS, containerd's own listener)
//   "@name" or "\0name"                 an abstract socket
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::shim {

// The sockaddr path for `address`: "unix://" stripped; "@" turned into the leading NUL of an abstract name.
// Throws runz::Error (EINVAL) if it does not fit in sockaddr_un.
std::string socket_path(std::string_view address);

// connect(2) to `address`; throws runz::Error naming the address.
UniqueFd connect_unix(std::string_view address);
// A listening socket (SOCK_CLOEXEC, backlog 64) bound at `address`; for a file path the parent directory
// is created (0711) and the socket made 0600. Throws runz::Error whose code() is EADDRINUSE when taken.
UniqueFd listen_unix(std::string_view address);
// True if something accepts connections at `address` now.
bool can_connect(std::string_view address);
// Removes the socket file (no-op for abstract addresses and missing files).
void remove_socket(std::string_view address) noexcept;

}  // namespace runz::shim
