#include "shim-v2/ttrpc_client.hpp"

#include <sys/socket.h>

#include "shim-v2/proto/ttrpc/request.pb.h"
#include "shim-v2/ttrpc_frame.hpp"
#include "shim-v2/unix_socket.hpp"

namespace runz::shim::ttrpc {

Client::Client(UniqueFd connection) : fd_(std::move(connection)) {
  reader_ = std::thread([this] { read_loop(); });
}

Client::~Client() { close(); }

std::unique_ptr<Client> Client::connect(std::string_view address) {
  return std::make_unique<Client>(connect_unix(address));
}

void Client::close() {
  {
    std::lock_guard lock(mu_);
    if (!closed_) {
      closed_ = true;
      close_reason_ = "ttrpc: client closed";
    }
    cv_.notify_all();
  }
  if (fd_) ::shutdown(fd_.get(), SHUT_RDWR);
  if (reader_.joinable() && reader_.get_id() != std::this_thread::get_id()) reader_.join();
}

void Client::read_loop() {
  std::string reason = "ttrpc: connection closed";
  try {
    while (auto frame = read_frame(fd_.get())) {
      if (frame->header.type != static_cast<std::uint8_t>(MessageType::Response)) continue;
      std::lock_guard lock(mu_);
      auto it = pending_.find(frame->header.stream_id);
      if (it == pending_.end()) continue;  // a call that timed out, or a stream we never opened
      it->second = std::move(frame->data);
      cv_.notify_all();
    }
  } catch (const std::exception& e) {
    reason = std::string("ttrpc: connection failed: ") + e.what();
  }
  std::lock_guard lock(mu_);
  if (!closed_) {
    closed_ = true;
    close_reason_ = reason;
  }
  cv_.notify_all();
}

std::string Client::call(std::string_view service, std::string_view method, std::string_view payload,
                         std::chrono::milliseconds timeout, const Metadata& metadata) {
  ::ttrpc::Request request;
  request.set_service(std::string(service));
  request.set_method(std::string(method));
  request.set_payload(std::string(payload));
  if (timeout.count() > 0) {
    request.set_timeout_nano(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count());
  }
  for (const auto& [key, value] : metadata) {
    auto* kv = request.add_metadata();
    kv->set_key(key);
    kv->set_value(value);
  }

  std::uint32_t stream_id;
  {
    std::lock_guard lock(mu_);
    if (closed_) throw RpcError(Code::Unavailable, close_reason_);
    stream_id = next_stream_;
    next_stream_ += 2;
    pending_.emplace(stream_id, std::nullopt);
  }
  auto forget = [&] {
    std::lock_guard lock(mu_);
    pending_.erase(stream_id);
  };
  try {
    std::string frame = encode_frame(stream_id, MessageType::Request, 0, request.SerializeAsString());
    std::lock_guard lock(write_mu_);
    write_all(fd_.get(), frame);
  } catch (const std::exception& e) {
    forget();
    throw RpcError(Code::Unavailable, std::string("ttrpc: send request: ") + e.what());
  }

  std::string bytes;
  {
    std::unique_lock lock(mu_);
    auto arrived = [&] { return pending_.at(stream_id).has_value() || closed_; };
    if (timeout.count() > 0) {
      if (!cv_.wait_for(lock, timeout, arrived)) {
        pending_.erase(stream_id);
        throw RpcError(Code::DeadlineExceeded, "ttrpc: /" + std::string(service) + "/" + std::string(method) +
                                                   " timed out");
      }
    } else {
      cv_.wait(lock, arrived);
    }
    auto node = pending_.extract(stream_id);
    if (!node.mapped().has_value()) throw RpcError(Code::Unavailable, close_reason_);
    bytes = std::move(*node.mapped());
  }

  ::ttrpc::Response response;
  if (!response.ParseFromString(bytes)) throw RpcError(Code::Internal, "ttrpc: cannot decode response");
  if (response.has_status() && response.status().code() != 0) {
    throw RpcError(static_cast<Code>(response.status().code()), response.status().message());
  }
  return response.payload();
}

void Client::call(std::string_view service, std::string_view method, const google::protobuf::MessageLite& request,
                  google::protobuf::MessageLite& response, std::chrono::milliseconds timeout,
                  const Metadata& metadata) {
  std::string bytes = call(service, method, request.SerializeAsString(), timeout, metadata);
  if (!response.ParseFromString(bytes)) {
    throw RpcError(Code::Internal, "ttrpc: cannot decode /" + std::string(service) + "/" + std::string(method) +
                                       " response payload");
  }
}

}  // namespace runz::shim::ttrpc
