// runz-cri's gRPC plumbing: the connection to the CRI socket, one call with its deadline, and failed calls
// as exceptions that main turns into `runz-cri: COMMAND: CODE: message`.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cri_runtime_v1.grpc.pb.h"

namespace runz::cri {

// A call that did not return OK.
class RpcError : public std::runtime_error {
 public:
  explicit RpcError(grpc::Status status)
      : std::runtime_error(status.error_message()), status_(std::move(status)) {}
  const grpc::Status& status() const noexcept { return status_; }

 private:
  grpc::Status status_;
};

// The canonical name of a gRPC status code ("NOT_FOUND", "UNAVAILABLE", ...).
std::string_view code_name(grpc::StatusCode code) noexcept;

// A channel to the CRI server listening on the unix socket `socket` (a path, or a `unix:` target as is).
std::shared_ptr<grpc::Channel> connect_unix(const std::string& socket);

// The services of one connection, and the deadline of each call (0: none).
struct Session {
  runtime::v1::RuntimeService::Stub& runtime;
  runtime::v1::ImageService::Stub& images;
  std::chrono::seconds timeout;
};

// Runs one unary call with `deadline` from now (0: none); throws RpcError unless it returns OK.
template <class Stub, class Request, class Response>
Response call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request, std::chrono::seconds deadline) {
  grpc::ClientContext context;
  if (deadline.count() > 0) context.set_deadline(std::chrono::system_clock::now() + deadline);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) throw RpcError(std::move(status));
  return response;
}

}  // namespace runz::cri
