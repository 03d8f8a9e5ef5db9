// Task events back to containerd. containerd 1.6 starts every shim with TTRPC_ADDRESS set to its ttrpc
// socket ("<address>.ttrpc"), and its runc shim publishes over ttrpc:
//   /containerd.services.events.ttrpc.v1.Events/Forward { Envelope{timestamp, namespace, topic, event} }
// with the event wrapped in an Any whose type_url is the message's full name ("containerd.events.TaskExit").
// The -publish-binary flag (exec `containerd publish`) is the older path and is not used.
// Publishing is asynchronous and in order: a queue drained by one thread, each event retried (reconnecting)
// a few times with a growing delay before it is dropped with a log line, as containerd's publisher does.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "shim-v2/proto/containerd/services/events/events.pb.h"

namespace google::protobuf {
class Message;
class Timestamp;
}

namespace runz::shim {

// Event topics (containerd runtime/events.go).
inline constexpr std::string_view kTopicTaskCreate = "/tasks/create";
inline constexpr std::string_view kTopicTaskStart = "/tasks/start";
inline constexpr std::string_view kTopicTaskExit = "/tasks/exit";
inline constexpr std::string_view kTopicTaskDelete = "/tasks/delete";
inline constexpr std::string_view kTopicTaskExecAdded = "/tasks/exec-added";
inline constexpr std::string_view kTopicTaskExecStarted = "/tasks/exec-started";
inline constexpr std::string_view kTopicTaskPaused = "/tasks/paused";
inline constexpr std::string_view kTopicTaskResumed = "/tasks/resumed";
inline constexpr std::string_view kTopicTaskOOM = "/tasks/oom";

inline constexpr std::string_view kEventsService = "containerd.services.events.ttrpc.v1.Events";
// ttrpc metadata key carrying the namespace (containerd namespaces/ttrpc.go).
inline constexpr std::string_view kNamespaceMetadataKey = "containerd-namespace-ttrpc";

class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual void publish(std::string_view topic, const google::protobuf::Message& event) = 0;
};

// A protobuf Timestamp (events, exited_at fields) from a system clock time.
void set_timestamp(google::protobuf::Timestamp* out, std::chrono::system_clock::time_point t);

// Builds the envelope containerd expects (timestamp now).
containerd::services::events::ttrpc::v1::Envelope make_envelope(std::string_view ns, std::string_view topic,
                                                                 const google::protobuf::Message& event);

// Drops events (no TTRPC_ADDRESS: e.g. the shim run by hand).
class NullPublisher final : public Publisher {
 public:
  void publish(std::string_view, const google::protobuf::Message&) override {}
};

class TtrpcPublisher final : public Publisher {
 public:
  TtrpcPublisher(std::string address, std::string ns);
  ~TtrpcPublisher() override;  // delivers what is queued (bounded by the retry budget), then stops

  void publish(std::string_view topic, const google::protobuf::Message& event) override;
  // Blocks until the queue is empty or `timeout` passed; true if empty.
  bool flush(std::chrono::milliseconds timeout);

  static constexpr int kMaxAttempts = 5;

 private:
  void run();

  std::string address_;
  std::string ns_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<containerd::services::events::ttrpc::v1::Envelope> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::thread thread_;
};

}  // namespace runz::shim
