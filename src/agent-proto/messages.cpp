#include "agent-proto/messages.hpp"

#include "agent-proto/net_address.hpp"
#include "spec/parse.hpp"

#include <nlohmann/json.hpp>

#include <climits>
#include <sys/wait.h>

namespace runz::agent_proto {

namespace {

using nlohmann::json;

std::string dump(const json& value) {
  // Replace invalid UTF-8 (paths, strerror text) rather than throwing.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A JSON object field reader that names the message and the field in every error.
class Reader {
 public:
  Reader(std::string_view payload, std::string_view message) : message_(message) {
    value_ = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
    if (value_.is_discarded()) fail("", "payload is not valid JSON");
    if (!value_.is_object()) fail("", "payload must be a JSON object");
  }
  Reader(const json& value, std::string message) : value_(value), message_(std::move(message)) {
    if (!value_.is_object()) fail("", "must be a JSON object");
  }

  [[noreturn]] void fail(std::string_view field, std::string_view reason) const {
    std::string text = message_;
    if (!field.empty()) text += ": " + std::string(field);
    throw ProtocolError(text + ": " + std::string(reason));
  }

  const json* find(const char* key) const {
    auto it = value_.find(key);
    if (it == value_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  const json& require(const char* key) const {
    const json* v = find(key);
    if (v == nullptr) fail(key, "is required");
    return *v;
  }

  std::string str(const char* key, bool required) const {
    const json* v = required ? &require(key) : find(key);
    if (v == nullptr) return {};
    if (!v->is_string()) fail(key, "must be a string");
    return v->get<std::string>();
  }
  bool boolean(const char* key, bool fallback) const {
    const json* v = find(key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) fail(key, "must be a boolean");
    return v->get<bool>();
  }
  int64_t integer(const json& v, const char* key, int64_t min, int64_t max) const {
    if (!v.is_number_integer()) fail(key, "must be an integer");
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) fail(key, "out of range");
    const int64_t n = v.get<int64_t>();
    if (n < min || n > max) fail(key, "must be in " + std::to_string(min) + ".." + std::to_string(max));
    return n;
  }
  int64_t integer(const char* key, int64_t min, int64_t max) const { return integer(require(key), key, min, max); }
  std::optional<int64_t> opt_integer(const char* key, int64_t min, int64_t max) const {
    const json* v = find(key);
    if (v == nullptr) return std::nullopt;
    return integer(*v, key, min, max);
  }
  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    const json* v = find(key);
    if (v == nullptr) return out;
    if (!v->is_array()) fail(key, "must be an array of strings");
    for (const auto& item : *v) {
      if (!item.is_string()) fail(key, "must be an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  const std::string& message() const noexcept { return message_; }

 private:
  json value_;
  std::string message_;
};

template <class F>
auto spec_section(std::string_view message, F&& parse) {
  try {
    return std::forward<F>(parse)();
  } catch (const Error& e) {
    throw e.with_context("agent protocol: " + std::string(message));
  }
}

bool is_plain_file_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

ZoneMount read_mount(const json& value, size_t index) {
  const Reader r(value, "CREATE: mounts[" + std::to_string(index) + "]");
  ZoneMount m;
  m.destination = r.str("destination", true);
  if (m.destination.empty() || m.destination.front() != '/') r.fail("destination", "must be an absolute path");
  m.type = r.str("type", false);
  m.source = r.str("source", false);
  m.tag = r.str("tag", false);
  m.file = r.str("file", false);
  m.options = r.strings("options");
  if (m.type == "9p" && m.tag.empty()) r.fail("tag", "is required for type `9p`");
  if (!m.file.empty() && !is_plain_file_name(m.file)) r.fail("file", "must be a plain file name");
  return m;
}

json write_mount(const ZoneMount& m) {
  json out = {{"destination", m.destination}, {"type", m.type}, {"source", m.source}, {"options", m.options}};
  if (!m.tag.empty()) out["tag"] = m.tag;
  if (!m.file.empty()) out["file"] = m.file;
  return out;
}

// Interface names as the kernel takes them (dev_valid_name): 1..15 bytes, not "." or "..", no '/', ':'
// or whitespace.
bool is_interface_name(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name)
    if (c == '/' || c == ':' || c == '\0' || c == ' ' || (c >= '\t' && c <= '\r')) return false;
  return true;
}

NetRoute read_route(const json& value, const std::string& where) {
  const Reader r(value, where);
  NetRoute route;
  route.destination = r.str("destination", true);
  const auto destination = parse_cidr(route.destination);
  if (!destination) r.fail("destination", runz::quoted(route.destination) + " is not an address/prefix");
  route.gateway = r.str("gateway", false);
  if (!route.gateway.empty()) {
    const auto gateway = parse_ip_address(route.gateway);
    if (!gateway) r.fail("gateway", runz::quoted(route.gateway) + " is not an IP address");
    if (gateway->family != destination->address.family)
      r.fail("gateway", runz::quoted(route.gateway) + " is not of the destination's address family");
  }
  route.metric = static_cast<uint32_t>(r.opt_integer("metric", 0, UINT32_MAX).value_or(0));
  return route;
}

NetInterface read_interface(const Reader& r) {
  NetInterface nic;
  nic.name = r.str("name", true);
  if (!is_interface_name(nic.name))
    r.fail("name", runz::quoted(nic.name) + " is not an interface name (1..15 characters, no '/', ':' or space)");
  nic.mac = r.str("mac", true);
  if (!parse_mac(nic.mac)) r.fail("mac", runz::quoted(nic.mac) + " is not a MAC address (xx:xx:xx:xx:xx:xx)");
  nic.mtu = static_cast<uint32_t>(r.opt_integer("mtu", 68, 65535).value_or(1500));
  nic.addresses = r.strings("addresses");
  if (nic.addresses.size() > kMaxNetAddresses)
    r.fail("addresses", "more than " + std::to_string(kMaxNetAddresses) + " addresses");
  for (size_t i = 0; i < nic.addresses.size(); ++i)
    if (!parse_cidr(nic.addresses[i]))
      r.fail("addresses[" + std::to_string(i) + "]", runz::quoted(nic.addresses[i]) + " is not an address/prefix");
  if (const json* routes = r.find("routes")) {
    if (!routes->is_array()) r.fail("routes", "must be an array");
    if (routes->size() > kMaxNetRoutes) r.fail("routes", "more than " + std::to_string(kMaxNetRoutes) + " routes");
    for (size_t i = 0; i < routes->size(); ++i)
      nic.routes.push_back(read_route((*routes)[i], r.message() + ": routes[" + std::to_string(i) + "]"));
  }
  return nic;
}

json write_interface(const NetInterface& nic) {
  json routes = json::array();
  for (const auto& route : nic.routes)
    routes.push_back({{"destination", route.destination}, {"gateway", route.gateway}, {"metric", route.metric}});
  return {{"name", nic.name}, {"mac", nic.mac}, {"mtu", nic.mtu}, {"addresses", nic.addresses}, {"routes", routes}};
}

}  // namespace

// ---- payloads ----

std::string to_json_payload(const Hello& m) {
  return dump({{"version", m.version}, {"agent", m.agent}, {"kernel", m.kernel}, {"consoleSysrq", m.console_sysrq}});
}

std::string to_json_payload(const ErrorReport& m) {
  return dump({{"step", m.step}, {"errno", m.errno_value}, {"message", m.message}});
}

std::string to_json_payload(const ProcessPid& m) { return dump({{"pid", m.pid}}); }

std::string to_json_payload(const Exit& m) {
  json out = {{"status", m.status}};
  if (m.signal) out["signal"] = *m.signal;
  if (m.oom_killed) out["oomKilled"] = true;
  return dump(out);
}

std::string to_json_payload(const Signal& m) { return dump({{"signal", m.signal}, {"all", m.all}}); }

std::string to_json_payload(const Resize& m) { return dump({{"height", m.height}, {"width", m.width}}); }

std::string to_json_payload(const Create& m) {
  json mounts = json::array();
  for (const auto& mount : m.mounts) mounts.push_back(write_mount(mount));
  return dump({{"container", m.container},
               {"rootfs", {{"tag", m.rootfs.tag}, {"readonly", m.rootfs.readonly}}},
               {"hostname", m.hostname},
               {"domainname", m.domainname},
               {"process", spec::to_json(m.process)},
               {"mounts", mounts},
               {"linux", spec::to_json(m.linux_)},
               {"pidNamespace", m.pid_namespace}});
}

std::string to_json_payload(const Exec& m) {
  return dump({{"container", m.container}, {"process", spec::to_json(m.process)}});
}

std::string to_json_payload(const Network& m) {
  json interfaces = json::array();
  for (const auto& nic : m.interfaces) interfaces.push_back(write_interface(nic));
  return dump({{"interfaces", interfaces}});
}

std::string to_json_payload(const Update& m) {
  json j = {{"container", m.container}};
  if (m.resources) j["resources"] = spec::to_json(*m.resources);
  if (m.frozen) j["frozen"] = *m.frozen;
  return dump(j);
}

std::string to_json_payload(const CgroupUsage& m) {
  return dump({{"memory", m.memory_bytes}, {"memoryLimit", m.memory_limit_bytes}, {"cpuNs", m.cpu_ns},
               {"oomKills", m.oom_kills}});
}

Hello parse_hello(std::string_view payload) {
  const Reader r(payload, "HELLO");
  Hello m;
  m.version = static_cast<uint32_t>(r.integer("version", 0, UINT32_MAX));
  m.agent = r.str("agent", false);
  m.kernel = r.str("kernel", false);
  m.console_sysrq = r.boolean("consoleSysrq", false);
  return m;
}

ErrorReport parse_error_report(std::string_view payload) {
  const Reader r(payload, "ERROR");
  ErrorReport m;
  m.step = r.str("step", true);
  m.errno_value = static_cast<int>(r.opt_integer("errno", 0, INT_MAX).value_or(0));
  m.message = r.str("message", true);
  return m;
}

ProcessPid parse_process_pid(std::string_view payload) {
  const Reader r(payload, "CREATED/STARTED");
  return ProcessPid{static_cast<int32_t>(r.integer("pid", 1, INT32_MAX))};
}

Exit parse_exit(std::string_view payload) {
  const Reader r(payload, "EXIT");
  Exit m;
  m.status = static_cast<int>(r.integer("status", 0, 255));
  if (auto sig = r.opt_integer("signal", 1, 64)) m.signal = static_cast<int>(*sig);
  m.oom_killed = r.boolean("oomKilled", false);
  return m;
}

Signal parse_signal(std::string_view payload) {
  const Reader r(payload, "SIGNAL");
  Signal m;
  m.signal = static_cast<int>(r.integer("signal", 1, 64));
  m.all = r.boolean("all", false);
  return m;
}

Resize parse_resize(std::string_view payload) {
  const Reader r(payload, "RESIZE");
  Resize m;
  m.height = static_cast<uint32_t>(r.integer("height", 0, UINT16_MAX));
  m.width = static_cast<uint32_t>(r.integer("width", 0, UINT16_MAX));
  return m;
}

Create parse_create(std::string_view payload) {
  const Reader r(payload, "CREATE");
  Create m;
  m.container = r.str("container", true);
  if (m.container.empty()) r.fail("container", "must not be empty");
  const Reader rootfs(r.require("rootfs"), "CREATE: rootfs");
  m.rootfs.tag = rootfs.str("tag", true);
  if (m.rootfs.tag.empty()) rootfs.fail("tag", "must not be empty");
  m.rootfs.readonly = rootfs.boolean("readonly", false);
  m.hostname = r.str("hostname", false);
  m.domainname = r.str("domainname", false);
  const json& process = r.require("process");
  m.process = spec_section("CREATE", [&] { return spec::parse_process(process); });
  if (const json* mounts = r.find("mounts")) {
    if (!mounts->is_array()) r.fail("mounts", "must be an array");
    for (size_t i = 0; i < mounts->size(); ++i) m.mounts.push_back(read_mount((*mounts)[i], i));
  }
  if (const json* linux_object = r.find("linux")) {
    m.linux_ = spec_section("CREATE", [&] { return spec::parse_linux(*linux_object); });
  }
  m.pid_namespace = r.boolean("pidNamespace", false);
  return m;
}

Exec parse_exec(std::string_view payload) {
  const Reader r(payload, "EXEC");
  Exec m;
  m.container = r.str("container", true);
  if (m.container.empty()) r.fail("container", "must not be empty");
  const json& process = r.require("process");
  m.process = spec_section("EXEC", [&] { return spec::parse_process(process); });
  return m;
}

Update parse_update(std::string_view payload) {
  const Reader r(payload, "UPDATE");
  Update m;
  m.container = r.str("container", true);
  if (m.container.empty()) r.fail("container", "must not be empty");
  if (const json* resources = r.find("resources"))
    m.resources = spec_section("UPDATE", [&] { return spec::parse_resources(*resources); });
  if (r.find("frozen")) m.frozen = r.boolean("frozen", false);
  return m;
}

CgroupUsage parse_updated(std::string_view payload) {
  const Reader r(payload, "UPDATED");
  CgroupUsage m;
  m.memory_bytes = static_cast<uint64_t>(r.integer("memory", 0, INT64_MAX));
  m.memory_limit_bytes = static_cast<uint64_t>(r.integer("memoryLimit", 0, INT64_MAX));
  m.cpu_ns = static_cast<uint64_t>(r.integer("cpuNs", 0, INT64_MAX));
  m.oom_kills = static_cast<uint64_t>(r.integer("oomKills", 0, INT64_MAX));
  return m;
}

Network parse_network(std::string_view payload) {
  const Reader r(payload, "NETWORK");
  const json& interfaces = r.require("interfaces");
  if (!interfaces.is_array()) r.fail("interfaces", "must be an array");
  if (interfaces.size() > kMaxNetInterfaces)
    r.fail("interfaces", "more than " + std::to_string(kMaxNetInterfaces) + " interfaces");
  Network m;
  for (size_t i = 0; i < interfaces.size(); ++i) {
    const Reader entry(interfaces[i], "NETWORK: interfaces[" + std::to_string(i) + "]");
    NetInterface nic = read_interface(entry);
    // Two entries for one name or one NIC could only be configured by undoing the first.
    for (const auto& earlier : m.interfaces) {
      if (earlier.name == nic.name) entry.fail("name", runz::quoted(nic.name) + " is listed twice");
      if (parse_mac(earlier.mac) == parse_mac(nic.mac)) entry.fail("mac", runz::quoted(nic.mac) + " is listed twice");
    }
    m.interfaces.push_back(std::move(nic));
  }
  return m;
}

// ---- frames ----

std::string encode(uint32_t stream, const Hello& m) {
  return encode_frame(MessageType::kHello, stream, to_json_payload(m));
}
std::string encode(uint32_t stream, const ErrorReport& m) {
  return encode_frame(MessageType::kError, stream, to_json_payload(m));
}
std::string encode(MessageType created_or_started, uint32_t stream, const ProcessPid& m) {
  return encode_frame(created_or_started, stream, to_json_payload(m));
}
std::string encode(uint32_t stream, const Exit& m) { return encode_frame(MessageType::kExit, stream, to_json_payload(m)); }
std::string encode(uint32_t stream, const Signal& m) {
  return encode_frame(MessageType::kSignal, stream, to_json_payload(m));
}
std::string encode(uint32_t stream, const Resize& m) {
  return encode_frame(MessageType::kResize, stream, to_json_payload(m));
}
std::string encode(uint32_t stream, const Create& m) {
  return encode_frame(MessageType::kCreate, stream, to_json_payload(m));
}
std::string encode(uint32_t stream, const Exec& m) { return encode_frame(MessageType::kExec, stream, to_json_payload(m)); }
std::string encode(uint32_t stream, const Network& m) {
  return encode_frame(MessageType::kNetwork, stream, to_json_payload(m));
}
std::string encode_network_ready(uint32_t stream) { return encode_frame(MessageType::kNetworkReady, stream, "{}"); }
std::string encode(uint32_t stream, const Update& m) {
  return encode_frame(MessageType::kUpdate, stream, to_json_payload(m));
}
std::string encode_updated(uint32_t stream, const CgroupUsage& m) {
  return encode_frame(MessageType::kUpdated, stream, to_json_payload(m));
}

Exit exit_from_wait_status(int wait_status) noexcept {
  Exit e;
  if (WIFSIGNALED(wait_status)) {
    e.signal = WTERMSIG(wait_status);
    e.status = 128 + *e.signal;
  } else if (WIFEXITED(wait_status)) {
    e.status = WEXITSTATUS(wait_status);
  }
  return e;
}

}  // namespace runz::agent_proto
