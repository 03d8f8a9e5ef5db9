#include "shim-v2/events.hpp"

#include <google/protobuf/message.h>

#include <iostream>

#include <google/protobuf/empty.pb.h>

#include "shim-v2/ttrpc_client.hpp"

namespace runz::shim {

namespace v1 = containerd::services::events::ttrpc::v1;

void set_timestamp(google::protobuf::Timestamp* out, std::chrono::system_clock::time_point t) {
  auto since = t.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since);
  out->set_seconds(seconds.count());
  out->set_nanos(static_cast<std::int32_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds).count()));
}

v1::Envelope make_envelope(std::string_view ns, std::string_view topic, const google::protobuf::Message& event) {
  v1::Envelope envelope;
  set_timestamp(envelope.mutable_timestamp(), std::chrono::system_clock::now());
  envelope.set_namespace_(std::string(ns));
  envelope.set_topic(std::string(topic));
  // containerd's typeurl names protobuf events by their full name, without a type.googleapis.com/ prefix.
  envelope.mutable_event()->set_type_url(event.GetDescriptor()->full_name());
  envelope.mutable_event()->set_value(event.SerializeAsString());
  return envelope;
}

TtrpcPublisher::TtrpcPublisher(std::string address, std::string ns) : address_(std::move(address)), ns_(std::move(ns)) {
  thread_ = std::thread([this] { run(); });
}

TtrpcPublisher::~TtrpcPublisher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

void TtrpcPublisher::publish(std::string_view topic, const google::protobuf::Message& event) {
  auto envelope = make_envelope(ns_, topic, event);
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(envelope));
  cv_.notify_all();
}

bool TtrpcPublisher::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

void TtrpcPublisher::run() {
  std::unique_ptr<ttrpc::Client> client;
  for (;;) {
    v1::ForwardRequest request;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left
      *request.mutable_envelope() = queue_.front();
      queue_.pop_front();
      busy_ = true;
    }
    for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
      try {
        if (!client) client = ttrpc::Client::connect(address_);
        google::protobuf::Empty empty;
        client->call(kEventsService, "Forward", request, empty, std::chrono::seconds(5),
                     {{std::string(kNamespaceMetadataKey), ns_}});
        break;
      } catch (const std::exception& e) {
        client.reset();  // reconnect next time
        std::cerr << "publish " << request.envelope().topic() << " (attempt " << attempt << "): " << e.what() << "\n";
        if (attempt == kMaxAttempts) {
          std::cerr << "dropping event " << request.envelope().topic() << "\n";
          break;
        }
        std::unique_lock lock(mu_);
        // Shorter waits once stopping, so the destructor is not held up for long.
        cv_.wait_for(lock, stopping_ ? std::chrono::milliseconds(50) : std::chrono::milliseconds(200 * attempt),
                     [&] { return false; });
      }
    }
    std::lock_guard lock(mu_);
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace runz::shim
