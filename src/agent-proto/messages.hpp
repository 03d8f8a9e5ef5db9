// Typed payloads of the JSON messages of the agent protocol (docs/AGENT_PROTOCOL.md, "Messages").
//
// Each message has a struct, `to_json_payload(msg)` giving the payload text, `parse_<name>(payload)` reading
// it back (throws ProtocolError naming the message and field), and `encode(stream, msg)` giving the whole
// frame with the right type. OCI objects inside CREATE/EXEC (`process`, `linux`) use runz::spec's parser, so
// the agent validates them exactly as the host did (a ConfigError from there propagates, with context).
#pragma once

#include "agent-proto/frame.hpp"
#include "common/error.hpp"
#include "spec/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runz::agent_proto {

// A payload that does not match its message's schema. what(): "agent protocol: EXIT: status: must be an integer".
class ProtocolError : public Error {
 public:
  explicit ProtocolError(const std::string& message) : Error("agent protocol: " + message, EPROTO) {}
};

inline constexpr const char* kAgentVersion = "0.1.0";

// HELLO (agent -> host, stream 0).
struct Hello {
  uint32_t version = kProtocolVersion;
  std::string agent = kAgentVersion;
  std::string kernel;  // uname -r of the zone
  // The zone kernel's console driver takes ^O (0x0F) as the SysRq prefix and swallows it with the next
  // byte (hvc with CONFIG_MAGIC_SYSRQ, when hvc0 is the kernel console); "^O ^O" reaches the agent as one
  // 0x0F. The host then doubles every 0x0F it sends.
  bool console_sysrq = false;

  bool operator==(const Hello&) const = default;
};

// ERROR (agent -> host): the failing step, its errno (0 when none applies) and a message.
struct ErrorReport {
  std::string step;
  int errno_value = 0;  // JSON "errno"
  std::string message;

  bool operator==(const ErrorReport&) const = default;
};

// CREATED / STARTED (agent -> host): the process's pid inside the zone.
struct ProcessPid {
  int32_t pid = 0;

  bool operator==(const ProcessPid&) const = default;
};

// EXIT (agent -> host): status is the exit code, or 128 + signal when a signal killed the process.
struct Exit {
  int status = 0;
  std::optional<int> signal;
  bool oom_killed = false;  // a container's main process killed by its cgroup's OOM killer (JSON "oomKilled")

  bool operator==(const Exit&) const = default;
};

// SIGNAL (host -> agent).
struct Signal {
  int signal = 0;
  bool all = false;

  bool operator==(const Signal&) const = default;
};

// RESIZE (host -> agent).
struct Resize {
  uint32_t height = 0;
  uint32_t width = 0;

  bool operator==(const Resize&) const = default;
};

// The container's root filesystem: the 9pfs tag the host exported the bundle's rootfs under.
struct RootfsRef {
  std::string tag = "rootfs";
  bool readonly = false;

  bool operator==(const RootfsRef&) const = default;
};

// A mount as CREATE carries it. Bind mounts arrive as type "9p" with the 9pfs `tag` of their export; a file
// bind mount is exported as a directory holding only that file, named by `file` (empty for directories).
struct ZoneMount {
  std::string destination;
  std::string type;
  std::string source;
  std::string tag;
  std::string file;
  std::vector<std::string> options;

  bool operator==(const ZoneMount&) const = default;
};

// CREATE (host -> agent, new handle).
struct Create {
  std::string container;
  RootfsRef rootfs;
  std::string hostname;
  std::string domainname;
  spec::Process process;
  std::vector<ZoneMount> mounts;
  spec::Linux linux_;  // absent "linux" reads as empty
  // A further container of a pod's zone: its process starts a PID namespace of its own (JSON "pidNamespace").
  bool pid_namespace = false;

  bool operator==(const Create&) const = default;
};

// EXEC (host -> agent, new handle).
struct Exec {
  std::string container;
  spec::Process process;

  bool operator==(const Exec&) const = default;
};

// UPDATE (host -> agent, new handle): a container's cgroup in the zone: `runz update` (resources), pause and
// resume of a pod's container (frozen), or neither (only the answer: what it uses).
struct Update {
  std::string container;
  std::optional<spec::Resources> resources;
  std::optional<bool> frozen;

  bool operator==(const Update&) const = default;
};

// UPDATED (agent -> host, the UPDATE's handle): the container's cgroup after the update (all 0 in a zone
// without per-container cgroups).
struct CgroupUsage {
  uint64_t memory_bytes = 0;        // memory.current
  uint64_t memory_limit_bytes = 0;  // memory.max; 0 for "max"
  uint64_t cpu_ns = 0;              // cpu.stat usage_usec, in ns
  uint64_t oom_kills = 0;           // memory.events oom_kill

  bool operator==(const CgroupUsage&) const = default;
};

// A route of a NIC (NETWORK).
struct NetRoute {
  std::string destination;  // CIDR; "0.0.0.0/0" / "::/0" for the default route
  std::string gateway;      // empty: on-link
  uint32_t metric = 0;

  bool operator==(const NetRoute&) const = default;
};

// One NIC of the zone, as the container's network namespace on the host has it (NETWORK).
struct NetInterface {
  std::string name;                    // name in the zone, e.g. "eth0" (the host interface's name)
  std::string mac;                     // "02:42:ac:11:00:02", lower-case, finds the zone's NIC
  uint32_t mtu = 1500;
  std::vector<std::string> addresses;  // CIDR, IPv4 and IPv6: "172.17.0.2/16", "fd00::2/64"
  std::vector<NetRoute> routes;        // via this interface

  bool operator==(const NetInterface&) const = default;
};

// NETWORK (host -> agent, new handle): configure these NICs; answered by NETWORK_READY or ERROR.
struct Network {
  std::vector<NetInterface> interfaces;

  bool operator==(const Network&) const = default;
};

// Limits parse_network enforces (a NETWORK payload also has to fit kMaxPayloadBytes).
inline constexpr size_t kMaxNetInterfaces = 16;
inline constexpr size_t kMaxNetAddresses = 64;  // per interface
inline constexpr size_t kMaxNetRoutes = 256;    // per interface

std::string to_json_payload(const Hello& message);
std::string to_json_payload(const ErrorReport& message);
std::string to_json_payload(const ProcessPid& message);
std::string to_json_payload(const Exit& message);
std::string to_json_payload(const Signal& message);
std::string to_json_payload(const Resize& message);
std::string to_json_payload(const Create& message);
std::string to_json_payload(const Exec& message);
std::string to_json_payload(const Network& message);
std::string to_json_payload(const Update& message);
std::string to_json_payload(const CgroupUsage& message);

Hello parse_hello(std::string_view payload);
ErrorReport parse_error_report(std::string_view payload);
ProcessPid parse_process_pid(std::string_view payload);
Exit parse_exit(std::string_view payload);
Signal parse_signal(std::string_view payload);
Resize parse_resize(std::string_view payload);
Create parse_create(std::string_view payload);
Exec parse_exec(std::string_view payload);
// Checks every field: name (1..15 chars, no '/' or whitespace), mac, mtu 68..65535, CIDRs, gateways of the
// destination's family, and the limits above.
Network parse_network(std::string_view payload);
Update parse_update(std::string_view payload);
CgroupUsage parse_updated(std::string_view payload);

// Whole frames. ProcessPid needs the type (CREATED or STARTED) spelled out.
std::string encode(uint32_t stream, const Hello& message);
std::string encode(uint32_t stream, const ErrorReport& message);
std::string encode(MessageType created_or_started, uint32_t stream, const ProcessPid& message);
std::string encode(uint32_t stream, const Exit& message);
std::string encode(uint32_t stream, const Signal& message);
std::string encode(uint32_t stream, const Resize& message);
std::string encode(uint32_t stream, const Create& message);
std::string encode(uint32_t stream, const Exec& message);
std::string encode(uint32_t stream, const Network& message);
// NETWORK_READY (agent -> host, the NETWORK's handle): payload `{}`.
std::string encode_network_ready(uint32_t stream);
std::string encode(uint32_t stream, const Update& message);
std::string encode_updated(uint32_t stream, const CgroupUsage& message);

// EXIT for a wait(2) status: {status: code} or {status: 128+sig, signal: sig}.
Exit exit_from_wait_status(int wait_status) noexcept;

}  // namespace runz::agent_proto
