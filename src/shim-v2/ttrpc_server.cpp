#include "shim-v2/ttrpc_server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <system_error>

#include "shim-v2/proto/ttrpc/request.pb.h"
#include "shim-v2/ttrpc_frame.hpp"

namespace runz::shim::ttrpc {

struct Server::Connection {
  UniqueFd fd;
  std::mutex write_mu;
  std::thread reader;
  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;
  bool finished = false;  // reader ended and every worker is done

  void write_frame(std::uint32_t stream_id, std::string_view response) {
    std::string frame = encode_frame(stream_id, MessageType::Response, 0, response);
    std::lock_guard lock(write_mu);
    write_all(fd.get(), frame);
  }
};

namespace {

std::string method_key(std::string_view service, std::string_view method) {
  std::string key(service);
  key += '/';
  key += method;
  return key;
}

}  // namespace

std::string encode_response(const Status& status, std::string_view payload) {
  ::ttrpc::Response response;
  if (!status.ok()) {
    response.mutable_status()->set_code(static_cast<std::int32_t>(status.code));
    response.mutable_status()->set_message(status.message);
  } else {
    response.set_payload(std::string(payload));
  }
  return response.SerializeAsString();
}

Server::Server(StatusMapper mapper, std::size_t max_in_flight)
    : mapper_(std::move(mapper)), max_in_flight_(max_in_flight) {
  wake_.reset(::eventfd(0, EFD_CLOEXEC));
  if (!wake_) throw_errno("eventfd");
}

Server::~Server() { stop(); }

void Server::register_method(std::string_view service, std::string_view method, Handler handler) {
  handlers_.insert_or_assign(method_key(service, method), std::move(handler));
}

std::string Server::dispatch(std::string_view request_bytes) const {
  ::ttrpc::Request request;
  if (!request.ParseFromArray(request_bytes.data(), static_cast<int>(request_bytes.size()))) {
    return encode_response({Code::InvalidArgument, "ttrpc: cannot decode request"}, {});
  }
  auto it = handlers_.find(method_key(request.service(), request.method()));
  if (it == handlers_.end()) {
    return encode_response({Code::Unimplemented, "ttrpc: /" + request.service() + "/" + request.method() +
                                                     " is not implemented"},
                           {});
  }
  RequestContext context;
  context.timeout_nano = request.timeout_nano();
  for (const auto& kv : request.metadata()) context.metadata[kv.key()] = kv.value();
  try {
    std::string payload = it->second(request.payload(), context);
    if (payload.size() > kMaxMessageBytes - 64) {
      return encode_response({Code::ResourceExhausted, "ttrpc: response too large"}, {});
    }
    return encode_response({}, payload);
  } catch (...) {
    Status status = mapper_(std::current_exception());
    if (status.ok()) status = {Code::Unknown, "handler failed without an error"};
    return encode_response(status, {});
  }
}

void Server::serve(UniqueFd listener) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  listener_ = std::move(listener);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

void Server::serve_connection(UniqueFd connection) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  start_connection(std::move(connection));
}

void Server::start_connection(UniqueFd fd) {
  reap_finished_locked();
  auto connection = std::make_shared<Connection>();
  connection->fd = std::move(fd);
  connection->reader = std::thread([this, connection] { read_loop(connection); });
  connections_.push_back(std::move(connection));
}

void Server::reap_finished_locked() {
  std::erase_if(connections_, [](const std::shared_ptr<Connection>& c) {
    {
      std::lock_guard lock(c->mu);
      if (!c->finished) return false;
    }
    if (c->reader.joinable()) c->reader.join();
    return true;
  });
}

bool Server::try_take_slot() {
  std::size_t n = in_flight_.load();
  while (n < max_in_flight_) {
    if (in_flight_.compare_exchange_weak(n, n + 1)) return true;
  }
  return false;
}

void Server::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      std::cerr << "ttrpc server: poll: " << std::strerror(errno) << "\n";
      return;
    }
    if (fds[1].revents != 0) return;
    int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
      std::cerr << "ttrpc server: accept: " << std::strerror(errno) << "\n";
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        ::usleep(100 * 1000);  // resource pressure: back off instead of spinning
        continue;
      }
      return;
    }
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    start_connection(UniqueFd(fd));
  }
}

void Server::read_loop(const std::shared_ptr<Connection>& connection) {
  try {
    while (auto frame = read_frame(connection->fd.get())) {
      if (frame->header.type != static_cast<std::uint8_t>(MessageType::Request)) continue;  // no streams
      const std::uint32_t stream_id = frame->header.stream_id;
      if ((frame->header.flags & kFlagRemoteOpen) != 0) {
        connection->write_frame(stream_id, encode_response({Code::Unimplemented, "ttrpc: streaming is not supported"}, {}));
        continue;
      }
      if (!try_take_slot()) {
        connection->write_frame(stream_id, encode_response({Code::ResourceExhausted,
                                                            "ttrpc: " + std::to_string(max_in_flight_) +
                                                                " requests in flight already: try again"},
                                                           {}));
        continue;
      }
      {
        std::lock_guard lock(connection->mu);
        ++connection->in_flight;
      }
      auto release = [this, connection] {
        --in_flight_;
        std::lock_guard lock(connection->mu);
        --connection->in_flight;
        connection->idle.notify_all();
      };
      try {
        std::thread([this, connection, stream_id, release, data = std::move(frame->data)] {
          try {
            connection->write_frame(stream_id, dispatch(data));
          } catch (const std::exception& e) {
            std::cerr << "ttrpc server: write response: " << e.what() << "\n";
          }
          release();
        }).detach();
      } catch (const std::system_error& e) {  // no thread to be had: this request only is refused
        release();
        connection->write_frame(stream_id, encode_response({Code::ResourceExhausted,
                                                            std::string("ttrpc: no thread for the request: ") +
                                                                e.what()},
                                                           {}));
      }
    }
  } catch (const std::exception& e) {
    // A broken frame or a reset connection ends this connection only.
    std::cerr << "ttrpc server: closing connection: " << e.what() << "\n";
  }
  std::unique_lock lock(connection->mu);
  connection->idle.wait(lock, [&] { return connection->in_flight == 0; });
  ::shutdown(connection->fd.get(), SHUT_RDWR);
  connection->finished = true;
}

void Server::stop() {
  std::vector<std::shared_ptr<Connection>> connections;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    std::uint64_t one = 1;
    if (::write(wake_.get(), &one, sizeof one) < 0) std::cerr << "ttrpc server: wake accept loop failed\n";
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  {
    std::lock_guard lock(mu_);
    connections.swap(connections_);
    listener_.reset();
  }
  // Stop reading: the readers see EOF, then wait for their in-flight handlers, whose responses still go out.
  for (auto& c : connections) ::shutdown(c->fd.get(), SHUT_RD);
  for (auto& c : connections) {
    if (c->reader.joinable()) c->reader.join();
  }
}

}  // namespace runz::shim::ttrpc
