// A ttrpc server: unary methods, addressed "service/method", over unix stream sockets.
//
// Threads: one accept thread; one reader thread per connection; each request runs on its own worker thread,
// so a connection can have many requests in flight (containerd keeps Wait outstanding while it calls State,
// Kill...). Responses are written whole under the connection's write lock, tagged with the request's stream
// id, in whatever order handlers finish. A frame that breaks the protocol (oversized, truncated) closes its
// connection only. Streaming requests (flag remote-open) are answered Unimplemented.
//
// Bound: at most `max_in_flight` requests (so worker threads) at once, over all connections; one past it is
// answered ResourceExhausted at once by its connection's reader. Refusing rather than making the connection
// wait: containerd keeps a Wait outstanding per task and exec on its one connection, and a reader that
// stopped reading would hold back the Kill that ends them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/fd.hpp"
#include "shim-v2/ttrpc_status.hpp"

namespace runz::shim::ttrpc {

// Requests in flight at once: containerd sends a handful (a Wait per task and exec, plus the call of the
// moment), so this leaves room for many execs while bounding the shim's threads.
inline constexpr std::size_t kMaxRequestsInFlight = 64;

struct RequestContext {
  std::map<std::string, std::string> metadata;  // last value wins for repeated keys
  std::int64_t timeout_nano = 0;
};

// Takes the request message's bytes, returns the response message's bytes; throws to fail the call (the
// server's StatusMapper turns the exception into the Response status).
using Handler = std::function<std::string(const std::string& payload, const RequestContext& context)>;

class Server {
 public:
  explicit Server(StatusMapper mapper = default_status_mapper, std::size_t max_in_flight = kMaxRequestsInFlight);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // stop()

  // Register before serving.
  void register_method(std::string_view service, std::string_view method, Handler handler);

  // Accepts on `listener` (a listening unix socket) on a background thread.
  void serve(UniqueFd listener);
  // Serves one connected socket (e.g. one end of a socketpair) on a background thread.
  void serve_connection(UniqueFd connection);

  // Stops accepting, stops reading new requests, waits for in-flight handlers (their responses are still
  // written), then closes every connection. Idempotent.
  void stop();

  // Decodes a ttrpc.Request, runs the handler, and returns the encoded ttrpc.Response. Never throws for bad
  // input: an undecodable request is InvalidArgument, an unknown service or method Unimplemented.
  std::string dispatch(std::string_view request_bytes) const;

 private:
  struct Connection;
  void accept_loop();
  void read_loop(const std::shared_ptr<Connection>& connection);
  void start_connection(UniqueFd fd);
  void reap_finished_locked();
  // Takes a slot for one more request in flight; false when all max_in_flight_ are taken.
  bool try_take_slot();

  StatusMapper mapper_;
  const std::size_t max_in_flight_;
  std::atomic<std::size_t> in_flight_{0};  // requests in flight, all connections
  std::map<std::string, Handler, std::less<>> handlers_;  // "service/method"

  std::mutex mu_;
  bool stopping_ = false;
  UniqueFd listener_;
  UniqueFd wake_;  // eventfd polled by the accept loop next to the listener, signalled by stop()
  std::thread accept_thread_;
  std::vector<std::shared_ptr<Connection>> connections_;
};

// Encodes a ttrpc.Response with `status` (no payload unless OK).
std::string encode_response(const Status& status, std::string_view payload);

}  // namespace runz::shim::ttrpc
