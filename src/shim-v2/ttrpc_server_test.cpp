#include "shim-v2/ttrpc_server.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "shim-v2/proto/ttrpc/request.pb.h"
#include "shim-v2/ttrpc_client.hpp"
#include "shim-v2/ttrpc_frame.hpp"
#include "shim-v2/unix_socket.hpp"

using namespace runz::shim::ttrpc;
using namespace std::chrono_literals;

namespace {

std::pair<runz::UniqueFd, runz::UniqueFd> socket_pair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  return {runz::UniqueFd(fds[0]), runz::UniqueFd(fds[1])};
}

// A server with an echo, a failing method, and a gate: Block waits until Release is called.
struct Fixture {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Server server;

  Fixture() {
    server.register_method("test.Svc", "Echo", [](const std::string& p, const RequestContext&) { return p; });
    server.register_method("test.Svc", "Meta", [](const std::string&, const RequestContext& c) {
      auto it = c.metadata.find("k");
      return (it == c.metadata.end() ? std::string("-") : it->second) + "/" + std::to_string(c.timeout_nano);
    });
    server.register_method("test.Svc", "Fail", [](const std::string&, const RequestContext&) -> std::string {
      throw RpcError(Code::NotFound, "no such thing");
    });
    server.register_method("test.Svc", "Crash", [](const std::string&, const RequestContext&) -> std::string {
      throw std::runtime_error("boom");
    });
    server.register_method("test.Svc", "Block", [this](const std::string&, const RequestContext&) {
      released.wait();
      return std::string("unblocked");
    });
    server.register_method("test.Svc", "Release", [this](const std::string&, const RequestContext&) {
      release.set_value();
      return std::string("released");
    });
  }
};

}  // namespace

TEST_CASE("server+client over a socketpair: payloads, errors, unknown methods") {
  Fixture f;
  auto [a, b] = socket_pair();
  f.server.serve_connection(std::move(a));
  Client client(std::move(b));

  CHECK(client.call("test.Svc", "Echo", "ping") == "ping");
  CHECK(client.call("test.Svc", "Echo", "") == "");
  CHECK(client.call("test.Svc", "Echo", std::string(1 << 20, 'q')).size() == (1u << 20));
  CHECK(client.call("test.Svc", "Meta", "", 1500ms, {{"k", "v"}}) == "v/1500000000");

  try {
    client.call("test.Svc", "Fail", "");
    FAIL("expected an error");
  } catch (const RpcError& e) {
    CHECK(e.code() == Code::NotFound);
    CHECK(std::string(e.what()) == "no such thing");
  }
  try {
    client.call("test.Svc", "Crash", "");
    FAIL("expected an error");
  } catch (const RpcError& e) {
    CHECK(e.code() == Code::Internal);
  }
  for (auto [service, method] : {std::pair{"test.Svc", "Nope"}, std::pair{"other.Svc", "Echo"}}) {
    try {
      client.call(service, method, "");
      FAIL("expected Unimplemented");
    } catch (const RpcError& e) {
      CHECK(e.code() == Code::Unimplemented);
      CHECK(std::string(e.what()).find(method) != std::string::npos);
    }
  }
}

TEST_CASE("server: several requests in flight on one connection") {
  Fixture f;
  auto [a, b] = socket_pair();
  f.server.serve_connection(std::move(a));
  Client client(std::move(b));
  auto blocked = std::async(std::launch::async, [&] { return client.call("test.Svc", "Block", ""); });
  CHECK(blocked.wait_for(100ms) == std::future_status::timeout);
  // Answered while Block is still outstanding on the same connection.
  CHECK(client.call("test.Svc", "Echo", "meanwhile") == "meanwhile");
  CHECK(client.call("test.Svc", "Release", "") == "released");
  CHECK(blocked.get() == "unblocked");
}

TEST_CASE("server: responses carry the request's stream id (raw frames)") {
  Fixture f;
  auto [a, b] = socket_pair();
  f.server.serve_connection(std::move(a));
  ::ttrpc::Request req;
  req.set_service("test.Svc");
  req.set_method("Echo");
  req.set_payload("x");
  write_all(b.get(), encode_frame(41, MessageType::Request, 0, req.SerializeAsString()));
  auto frame = read_frame(b.get());
  REQUIRE(frame.has_value());
  CHECK(frame->header.stream_id == 41);
  CHECK(frame->header.type == static_cast<std::uint8_t>(MessageType::Response));
  ::ttrpc::Response resp;
  REQUIRE(resp.ParseFromString(frame->data));
  CHECK(resp.payload() == "x");

  // A streaming request is refused, the connection stays usable.
  write_all(b.get(), encode_frame(43, MessageType::Request, kFlagRemoteOpen, req.SerializeAsString()));
  frame = read_frame(b.get());
  REQUIRE(frame.has_value());
  REQUIRE(resp.ParseFromString(frame->data));
  CHECK(resp.status().code() == static_cast<int>(Code::Unimplemented));
}

TEST_CASE("server: an oversized frame closes that connection only") {
  Fixture f;
  auto [a, b] = socket_pair();
  f.server.serve_connection(std::move(a));
  std::array<std::uint8_t, kHeaderBytes> h{};
  encode_header({0xffffffffu, 1, 1, 0}, h);
  write_all(b.get(), std::string(reinterpret_cast<const char*>(h.data()), h.size()));
  CHECK_FALSE(read_frame(b.get()).has_value());  // EOF: the server hung up

  auto [c, d] = socket_pair();
  f.server.serve_connection(std::move(c));
  Client client(std::move(d));
  CHECK(client.call("test.Svc", "Echo", "still here") == "still here");
}

TEST_CASE("dispatch: undecodable request is InvalidArgument") {
  Fixture f;
  ::ttrpc::Response resp;
  REQUIRE(resp.ParseFromString(f.server.dispatch(std::string("\xff\xff\xff", 3))));
  CHECK(resp.status().code() == static_cast<int>(Code::InvalidArgument));
}

TEST_CASE("client: a closed connection fails pending and later calls with Unavailable") {
  Fixture f;
  auto [a, b] = socket_pair();
  f.server.serve_connection(std::move(a));
  Client client(std::move(b));
  auto blocked = std::async(std::launch::async, [&] {
    try {
      client.call("test.Svc", "Block", "");
      return Code::Ok;
    } catch (const RpcError& e) {
      return e.code();
    }
  });
  std::this_thread::sleep_for(50ms);
  client.close();
  CHECK(blocked.get() == Code::Unavailable);
  CHECK_THROWS_AS(client.call("test.Svc", "Echo", ""), RpcError);
  f.release.set_value();  // let the server's handler finish so stop() can return
}

TEST_CASE("client: timeout gives DeadlineExceeded") {
  Fixture f;
  auto [a, b] = socket_pair();
  f.server.serve_connection(std::move(a));
  Client client(std::move(b));
  try {
    client.call("test.Svc", "Block", "", 50ms);
    FAIL("expected a timeout");
  } catch (const RpcError& e) {
    CHECK(e.code() == Code::DeadlineExceeded);
  }
  f.release.set_value();
  CHECK(client.call("test.Svc", "Echo", "after") == "after");
}

TEST_CASE("server on a unix socket file: connect, call, stop") {
  auto dir = std::filesystem::temp_directory_path() / ("runz-ttrpc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string address = "unix://" + (dir / "s" / "sock").string();
  Fixture f;
  f.server.serve(runz::shim::listen_unix(address));
  {
    auto client = Client::connect(address);
    CHECK(client->call("test.Svc", "Echo", "over a file socket") == "over a file socket");
    auto second = Client::connect((dir / "s" / "sock").string());  // plain path form
    CHECK(second->call("test.Svc", "Echo", "2") == "2");
  }
  CHECK(runz::shim::can_connect(address));
  f.server.stop();
  runz::shim::remove_socket(address);
  CHECK_FALSE(runz::shim::can_connect(address));
  std::filesystem::remove_all(dir);
}

TEST_CASE("server: at most max_in_flight requests at once; one more is answered ResourceExhausted") {
  constexpr std::size_t kCap = 4;
  Server server(default_status_mapper, kCap);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t running = 0, most = 0;
  bool open = false;
  server.register_method("test.Svc", "Slow", [&](const std::string&, const RequestContext&) {
    std::unique_lock lock(mu);
    most = std::max(most, ++running);
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
    --running;
    return std::string("done");
  });
  server.register_method("test.Svc", "Echo", [](const std::string& p, const RequestContext&) { return p; });
  auto [a, b] = socket_pair();
  server.serve_connection(std::move(a));
  Client client(std::move(b));

  std::vector<std::future<std::string>> slow;
  for (std::size_t i = 0; i < kCap; ++i)
    slow.push_back(std::async(std::launch::async, [&] { return client.call("test.Svc", "Slow", ""); }));
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, 10s, [&] { return running == kCap; }));
  }
  // Every slot is taken: more requests, slow or not, are refused at once, and no handler runs for them.
  std::vector<std::future<std::string>> extra;
  for (int i = 0; i < 8; ++i)
    extra.push_back(std::async(std::launch::async, [&] { return client.call("test.Svc", "Slow", ""); }));
  for (auto& e : extra) CHECK_THROWS_WITH_AS(e.get(), doctest::Contains("requests in flight already"), RpcError);
  try {
    client.call("test.Svc", "Echo", "x");
    FAIL("Echo was answered with every slot taken");
  } catch (const RpcError& e) {
    CHECK(e.code() == Code::ResourceExhausted);
    CHECK(std::string(e.what()).find("4 requests in flight") != std::string::npos);
  }
  {
    std::lock_guard lock(mu);
    CHECK(most == kCap);
    open = true;
  }
  cv.notify_all();
  for (auto& s : slow) CHECK(s.get() == "done");
  // The slots came back.
  CHECK(client.call("test.Svc", "Echo", "after") == "after");
  std::lock_guard lock(mu);
  CHECK(most == kCap);
}
