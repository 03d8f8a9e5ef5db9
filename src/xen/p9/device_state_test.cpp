// Every (state, event) pair of the device state machine: allowed transitions with their action, and refusals.
#include "xen/p9/device_state.hpp"

#include <doctest/doctest.h>

#include <map>
#include <utility>

using namespace runz::p9;
using E = DeviceEvent;
using A = DeviceAction;

namespace {
const XenbusState kStates[] = {XenbusStateInitialising, XenbusStateInitWait, XenbusStateConnected,
                               XenbusStateClosing, XenbusStateClosed};
const E kEvents[] = {E::kPublished,         E::kFrontendInitialising, E::kFrontendInitialised, E::kFrontendConnected,
                     E::kFrontendClosing,   E::kFrontendClosed,       E::kFrontendGone,        E::kConnectFailed,
                     E::kProtocolViolation, E::kShutdown};
}  // namespace

TEST_CASE("device transitions: the whole table") {
  // Allowed transitions; every other pair must be refused.
  const std::map<std::pair<XenbusState, E>, Transition> allowed = {
      {{XenbusStateInitialising, E::kPublished}, {XenbusStateInitWait, A::kNone}},
      {{XenbusStateInitialising, E::kFrontendInitialising}, {XenbusStateInitialising, A::kNone}},
      {{XenbusStateInitialising, E::kFrontendClosing}, {XenbusStateClosed, A::kNone}},
      {{XenbusStateInitialising, E::kFrontendClosed}, {XenbusStateClosed, A::kNone}},
      {{XenbusStateInitialising, E::kFrontendGone}, {XenbusStateClosed, A::kNone}},
      {{XenbusStateInitialising, E::kShutdown}, {XenbusStateClosed, A::kNone}},
      {{XenbusStateInitWait, E::kFrontendInitialising}, {XenbusStateInitWait, A::kNone}},
      {{XenbusStateInitWait, E::kFrontendInitialised}, {XenbusStateConnected, A::kConnect}},
      {{XenbusStateInitWait, E::kConnectFailed}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateInitWait, E::kFrontendClosing}, {XenbusStateClosing, A::kDisconnect}},
      {{XenbusStateInitWait, E::kFrontendClosed}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateInitWait, E::kFrontendGone}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateInitWait, E::kShutdown}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateConnected, E::kFrontendInitialised}, {XenbusStateConnected, A::kNone}},
      {{XenbusStateConnected, E::kFrontendConnected}, {XenbusStateConnected, A::kNone}},
      {{XenbusStateConnected, E::kFrontendClosing}, {XenbusStateClosing, A::kDisconnect}},
      {{XenbusStateConnected, E::kFrontendClosed}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateConnected, E::kFrontendGone}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateConnected, E::kProtocolViolation}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateConnected, E::kShutdown}, {XenbusStateClosed, A::kDisconnect}},
      {{XenbusStateClosing, E::kFrontendClosing}, {XenbusStateClosing, A::kNone}},
      {{XenbusStateClosing, E::kFrontendClosed}, {XenbusStateClosed, A::kNone}},
      {{XenbusStateClosing, E::kFrontendGone}, {XenbusStateClosed, A::kNone}},
      {{XenbusStateClosing, E::kShutdown}, {XenbusStateClosed, A::kNone}},
  };
  int checked = 0;
  for (XenbusState s : kStates) {
    for (E e : kEvents) {
      CAPTURE(state_name(s));
      CAPTURE(static_cast<int>(e));
      const auto got = transition(s, e);
      const auto it = allowed.find({s, e});
      if (it == allowed.end()) {
        CHECK_FALSE(got.has_value());
      } else {
        REQUIRE(got.has_value());
        CHECK(got->next == it->second.next);
        CHECK(got->action == it->second.action);
      }
      ++checked;
    }
  }
  CHECK(checked == 50);
  // Closed is final.
  for (E e : kEvents) CHECK_FALSE(transition(XenbusStateClosed, e).has_value());
}

TEST_CASE("frontend state values: only decimal XenbusStates count") {
  using SV = std::optional<std::string_view>;
  CHECK(event_for_frontend_state(SV{"1"}) == E::kFrontendInitialising);
  CHECK(event_for_frontend_state(SV{"2"}) == E::kFrontendInitialising);
  CHECK(event_for_frontend_state(SV{"3"}) == E::kFrontendInitialised);
  CHECK(event_for_frontend_state(SV{"4"}) == E::kFrontendConnected);
  CHECK(event_for_frontend_state(SV{"5"}) == E::kFrontendClosing);
  CHECK(event_for_frontend_state(SV{"6"}) == E::kFrontendClosed);
  CHECK(event_for_frontend_state(SV{"7"}) == E::kFrontendInitialising);
  for (const char* bad : {"", "9", "-1", " 3", "3 ", "0x3", "33", "99999999999999999999", "abc"}) {
    CAPTURE(bad);
    CHECK(event_for_frontend_state(SV{bad}) == E::kFrontendGone);
  }
  CHECK(event_for_frontend_state(std::nullopt) == E::kFrontendGone);
}
