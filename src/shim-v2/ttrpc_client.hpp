// A ttrpc client: unary calls over one unix stream connection, any number in flight at once (stream ids
// 1, 3, 5...). A reader thread matches Response frames to calls by stream id. Used to publish events to
// containerd (Events/Forward) and by the tests to drive the shim.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/fd.hpp"
#include "shim-v2/ttrpc_status.hpp"

namespace google::protobuf {
class MessageLite;
}

namespace runz::shim::ttrpc {

using Metadata = std::vector<std::pair<std::string, std::string>>;

class Client {
 public:
  // Takes a connected stream socket.
  explicit Client(UniqueFd connection);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();  // close()

  // Connects to a unix socket address (unix_socket.hpp forms).
  static std::unique_ptr<Client> connect(std::string_view address);

  // Sends one request and waits for its response. Returns the response payload on OK; throws RpcError with
  // the server's code and message otherwise, Unavailable if the connection closes first, DeadlineExceeded
  // after `timeout` (0: wait forever; a non-zero timeout is also sent to the server as timeout_nano).
  std::string call(std::string_view service, std::string_view method, std::string_view payload,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(0), const Metadata& metadata = {});
  // Same with protobuf messages.
  void call(std::string_view service, std::string_view method, const google::protobuf::MessageLite& request,
            google::protobuf::MessageLite& response, std::chrono::milliseconds timeout = std::chrono::milliseconds(0),
            const Metadata& metadata = {});

  // Shuts the connection down; pending calls fail with Unavailable. Idempotent.
  void close();

 private:
  void read_loop();

  UniqueFd fd_;
  std::mutex write_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint32_t next_stream_ = 1;
  bool closed_ = false;
  std::string close_reason_;
  std::map<std::uint32_t, std::optional<std::string>> pending_;  // stream id -> Response bytes when arrived
  std::thread reader_;
};

}  // namespace runz::shim::ttrpc
