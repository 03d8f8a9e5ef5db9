// The backend state machine of one 9pfs device (xen/io/xenbus.h XenbusState; the handshake of
// xen docs/misc/9pfs.pandoc "State Machine").
//
// Primer. Toolstack writes both directories with state Initialising. Backend publishes its features
// (versions, max-rings, max-ring-page-order) and goes InitWait. Frontend allocates rings, writes
// version/num-rings/ring-ref<N>/event-channel-<N>, goes Initialised. Backend maps rings, binds event
// channels, goes Connected; frontend follows to Connected. Either side closing: Closing, then Closed.
// Here every change of our state goes through transition(); Closed is final (one connection per device).
#pragma once

#include <optional>
#include <string_view>

extern "C" {
#include <xen/io/xenbus.h>
}

namespace runz::p9 {

enum class DeviceEvent {
  kPublished,              // we wrote our feature keys
  kFrontendInitialising,   // frontend state Initialising / InitWait / Unknown / Reconfigur*: nothing to do
  kFrontendInitialised,    // frontend published its rings
  kFrontendConnected,      // frontend followed us to Connected
  kFrontendClosing,
  kFrontendClosed,
  kFrontendGone,           // frontend state node missing or garbage (domain destroyed, hostile guest)
  kConnectFailed,          // mapping or binding what the frontend published failed
  kProtocolViolation,      // the guest broke the ring protocol
  kShutdown,               // the backend is stopping (SIGTERM)
};

enum class DeviceAction {
  kNone,
  kConnect,     // map rings, bind event channels (before writing the new state)
  kDisconnect,  // unmap rings, unbind, drop the 9P session
};

struct Transition {
  XenbusState next;
  DeviceAction action;
};

// The transition for `event` in backend state `current`, or nullopt if the event is refused there (the
// caller logs it and keeps its state).
std::optional<Transition> transition(XenbusState current, DeviceEvent event) noexcept;

// Frontend "state" node value → event. Anything that is not a decimal XenbusState is kFrontendGone.
DeviceEvent event_for_frontend_state(const std::optional<std::string_view>& value) noexcept;

const char* state_name(XenbusState s) noexcept;

}  // namespace runz::p9
