#include "xen/p9/xenbus_backend.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "common/capped_log.hpp"
#include "common/error.hpp"
#include "common/printable.hpp"

namespace runz::p9 {

std::string backend_path(const DeviceConfig& c) {
  return xen::devices::p9fs_backend_path(c.backend_domid, c.domid, c.devid);
}

std::string frontend_path(const DeviceConfig& c) { return xen::devices::p9fs_frontend_path(c.domid, c.devid); }

std::optional<uint32_t> parse_xs_u32(std::string_view s) noexcept {
  if (s.empty() || s.size() > 10) return std::nullopt;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

namespace {
ServerLimits limits_for(uint32_t ring_order, size_t max_fids) {
  ServerLimits l;
  l.max_fids = max_fids;
  // As the Linux frontend computes its maximum: half of one direction of the ring.
  l.max_msize_bytes = ring_bytes_for_order(ring_order) / 2;
  return l;
}
}  // namespace

Device::Device(DeviceConfig config, Export exp, Xenstore& xs, GrantMapper& gnt, EventChannels& evtchn)
    : config_(std::move(config)),
      xs_(xs),
      gnt_(gnt),
      evtchn_(evtchn),
      server_(std::move(exp), limits_for(kMaxRingPageOrder, config_.max_fids)) {}

Device::~Device() {
  disconnect();
  if (watching_) xs_.unwatch(frontend_path(config_) + "/state", watch_token());
}

std::string Device::watch_token() const { return "9pfs/" + std::to_string(config_.devid); }

std::string Device::log_prefix() const {
  return "runz-p9-backend: domain " + std::to_string(config_.domid) + " 9pfs/" + std::to_string(config_.devid) +
         " (" + quoted(config_.tag) + "): ";
}

std::vector<uint32_t> Device::local_ports() const {
  std::vector<uint32_t> out;
  for (const auto& r : rings_) out.push_back(r->local_port());
  return out;
}

void Device::write_state(XenbusState s) {
  xs_.write(backend_path(config_) + "/state", xen::devices::xenbus_state_value(s));
}

void Device::start() {
  const std::string be = backend_path(config_);
  xs_.write(be + "/versions", kTransportVersions);
  xs_.write(be + "/max-rings", std::to_string(kMaxRings));
  xs_.write(be + "/max-ring-page-order", std::to_string(kMaxRingPageOrder));
  apply(DeviceEvent::kPublished);
  xs_.watch(frontend_path(config_) + "/state", watch_token());
  watching_ = true;
}

std::vector<uint32_t> Device::on_frontend_changed() {
  const bool was_connected = state_ == XenbusStateConnected;
  std::optional<std::string> value;
  try {
    value = xs_.read(frontend_path(config_) + "/state");
  } catch (const std::exception& e) {
    log_to_stderr(log_prefix() + "reading the frontend state: " + e.what() + "\n");  // treated as gone
  }
  std::optional<std::string_view> view;
  if (value) view = *value;
  apply(event_for_frontend_state(view));
  if (!was_connected && state_ == XenbusStateConnected) return local_ports();
  return {};
}

void Device::apply(DeviceEvent event) {
  const auto t = transition(state_, event);
  if (!t) {
    if (state_ != XenbusStateClosed) {
      log_to_stderr(log_prefix() + "event " + std::to_string(static_cast<int>(event)) + " ignored in state " +
                    state_name(state_) + "\n");
    }
    return;
  }
  XenbusState next = t->next;
  switch (t->action) {
    case DeviceAction::kNone: break;
    case DeviceAction::kDisconnect: disconnect(); break;
    case DeviceAction::kConnect:
      try {
        connect();
      } catch (const std::exception& e) {
        log_to_stderr(log_prefix() + "connect failed: " + e.what() + "\n");
        apply(DeviceEvent::kConnectFailed);
        return;
      }
      break;
  }
  if (next != state_) {
    log_to_stderr(log_prefix() + state_name(state_) + " -> " + state_name(next) + "\n");
    state_ = next;
    try {
      write_state(next);
    } catch (const std::exception& e) {
      log_to_stderr(log_prefix() + "writing state: " + e.what() + "\n");
    }
  }
}

void Device::connect() {
  const std::string fe = frontend_path(config_);
  auto read_u32 = [&](const std::string& key) {
    const auto raw = xs_.read(fe + "/" + key);
    if (!raw) throw Error("frontend key " + quoted(key) + " missing", EPROTO);
    const auto v = parse_xs_u32(*raw);
    if (!v) throw Error("frontend key " + quoted(key) + " is not a number: " + quoted(escape_controls(raw->substr(0, 32))), EPROTO);
    return *v;
  };
  const auto version = xs_.read(fe + "/version");
  if (!version || *version != "1") throw Error("frontend transport version is not `1`", EPROTO);
  const uint32_t num_rings = read_u32("num-rings");
  if (num_rings < 1 || num_rings > kMaxRings) {
    throw Error("frontend num-rings " + quoted(std::to_string(num_rings)) + " out of range", EPROTO);
  }
  std::vector<std::unique_ptr<RingConnection>> rings;
  uint32_t smallest = UINT32_MAX;
  for (uint32_t i = 0; i < num_rings; ++i) {
    const uint32_t ref = read_u32("ring-ref" + std::to_string(i));
    const uint32_t port = read_u32("event-channel-" + std::to_string(i));
    rings.push_back(with_context("ring " + std::to_string(i), [&] {
      return RingConnection::connect(gnt_, evtchn_, config_.domid, ref, port);
    }));
    smallest = std::min(smallest, rings.back()->ring_bytes());
  }
  server_.reset_session(smallest / 2);
  rings_ = std::move(rings);
}

void Device::disconnect() noexcept {
  rings_.clear();  // unmaps and unbinds
  server_.reset_session(0);
}

bool Device::on_port(uint32_t local_port, bool* more) {
  *more = false;
  for (auto& r : rings_) {
    if (r->local_port() != local_port) continue;
    if (state_ != XenbusStateConnected) return true;
    try {
      *more = r->service(server_);
    } catch (const RingError& e) {
      log_to_stderr(log_prefix() + "protocol violation: " + e.what() + "; closing the device\n");
      apply(DeviceEvent::kProtocolViolation);
    } catch (const std::exception& e) {
      // E.g. the event channel went away under us: this device is finished, the others carry on.
      log_to_stderr(log_prefix() + "serving the ring: " + e.what() + "; closing the device\n");
      apply(DeviceEvent::kProtocolViolation);
    }
    return true;
  }
  return false;
}

void Device::shutdown() { apply(DeviceEvent::kShutdown); }

}  // namespace runz::p9
