#include "xen/p9/device_state.hpp"

#include <charconv>

namespace runz::p9 {

std::optional<Transition> transition(XenbusState current, DeviceEvent event) noexcept {
  using E = DeviceEvent;
  using A = DeviceAction;
  switch (current) {
    case XenbusStateInitialising:
      switch (event) {
        case E::kPublished: return Transition{XenbusStateInitWait, A::kNone};
        case E::kFrontendInitialising: return Transition{XenbusStateInitialising, A::kNone};
        case E::kFrontendClosing:
        case E::kFrontendClosed:
        case E::kFrontendGone:
        case E::kShutdown: return Transition{XenbusStateClosed, A::kNone};
        default: return std::nullopt;
      }
    case XenbusStateInitWait:
      switch (event) {
        case E::kFrontendInitialising: return Transition{XenbusStateInitWait, A::kNone};
        case E::kFrontendInitialised: return Transition{XenbusStateConnected, A::kConnect};
        case E::kConnectFailed:
        case E::kFrontendClosed:
        case E::kFrontendGone:
        case E::kShutdown: return Transition{XenbusStateClosed, A::kDisconnect};
        case E::kFrontendClosing: return Transition{XenbusStateClosing, A::kDisconnect};
        default: return std::nullopt;
      }
    case XenbusStateConnected:
      switch (event) {
        case E::kFrontendConnected:
        case E::kFrontendInitialised: return Transition{XenbusStateConnected, A::kNone};
        case E::kFrontendClosing: return Transition{XenbusStateClosing, A::kDisconnect};
        case E::kFrontendClosed:
        case E::kFrontendGone:
        case E::kProtocolViolation:
        case E::kShutdown: return Transition{XenbusStateClosed, A::kDisconnect};
        default: return std::nullopt;
      }
    case XenbusStateClosing:
      switch (event) {
        case E::kFrontendClosing: return Transition{XenbusStateClosing, A::kNone};
        case E::kFrontendClosed:
        case E::kFrontendGone:
        case E::kShutdown: return Transition{XenbusStateClosed, A::kNone};
        default: return std::nullopt;
      }
    default:
      // Closed (final) and the states a backend never enters.
      return std::nullopt;
  }
}

DeviceEvent event_for_frontend_state(const std::optional<std::string_view>& value) noexcept {
  if (!value) return DeviceEvent::kFrontendGone;
  unsigned n = 0;
  const char* first = value->data();
  const char* last = first + value->size();
  auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last || value->empty()) return DeviceEvent::kFrontendGone;
  switch (n) {
    case XenbusStateUnknown:
    case XenbusStateInitialising:
    case XenbusStateInitWait:
    case XenbusStateReconfiguring:
    case XenbusStateReconfigured: return DeviceEvent::kFrontendInitialising;
    case XenbusStateInitialised: return DeviceEvent::kFrontendInitialised;
    case XenbusStateConnected: return DeviceEvent::kFrontendConnected;
    case XenbusStateClosing: return DeviceEvent::kFrontendClosing;
    case XenbusStateClosed: return DeviceEvent::kFrontendClosed;
    default: return DeviceEvent::kFrontendGone;
  }
}

const char* state_name(XenbusState s) noexcept {
  switch (s) {
    case XenbusStateUnknown: return "Unknown";
    case XenbusStateInitialising: return "Initialising";
    case XenbusStateInitWait: return "InitWait";
    case XenbusStateInitialised: return "Initialised";
    case XenbusStateConnected: return "Connected";
    case XenbusStateClosing: return "Closing";
    case XenbusStateClosed: return "Closed";
    case XenbusStateReconfiguring: return "Reconfiguring";
    case XenbusStateReconfigured: return "Reconfigured";
  }
  return "?";
}

}  // namespace runz::p9
