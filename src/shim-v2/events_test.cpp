#include "shim-v2/events.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <google/protobuf/empty.pb.h>
#include <mutex>
#include <vector>

#include "shim-v2/proto/containerd/events/task.pb.h"
#include "shim-v2/ttrpc_server.hpp"
#include "shim-v2/unix_socket.hpp"

using namespace runz::shim;
namespace v1 = containerd::services::events::ttrpc::v1;

TEST_CASE("make_envelope: containerd's Any naming and the namespace") {
  containerd::events::TaskExit exit;
  exit.set_container_id("c");
  exit.set_exit_status(3);
  auto e = make_envelope("default", kTopicTaskExit, exit);
  CHECK(e.namespace_() == "default");
  CHECK(e.topic() == "/tasks/exit");
  CHECK(e.event().type_url() == "containerd.events.TaskExit");
  containerd::events::TaskExit back;
  REQUIRE(back.ParseFromString(e.event().value()));
  CHECK(back.exit_status() == 3);
  CHECK(e.timestamp().seconds() > 0);
}

TEST_CASE("TtrpcPublisher: forwards in order to an Events server, retrying until it is up") {
  auto dir = std::filesystem::temp_directory_path() / ("runz-shim-events-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string address = (dir / "containerd.sock.ttrpc").string();

  std::mutex mu;
  std::vector<v1::Envelope> received;
  std::vector<std::string> namespaces;
  ttrpc::Server server;
  server.register_method(kEventsService, "Forward", [&](const std::string& payload, const ttrpc::RequestContext& c) {
    v1::ForwardRequest request;
    REQUIRE(request.ParseFromString(payload));
    std::lock_guard lock(mu);
    received.push_back(request.envelope());
    namespaces.push_back(c.metadata.count(std::string(kNamespaceMetadataKey)) ? c.metadata.at(std::string(kNamespaceMetadataKey)) : "");
    return google::protobuf::Empty().SerializeAsString();
  });

  TtrpcPublisher publisher(address, "k8s.io");
  containerd::events::TaskStart start;
  start.set_container_id("c1");
  publisher.publish(kTopicTaskStart, start);  // nobody listens yet: retried
  ::usleep(100 * 1000);
  server.serve(listen_unix(address));
  containerd::events::TaskDelete del;
  del.set_container_id("c1");
  publisher.publish(kTopicTaskDelete, del);
  CHECK(publisher.flush(std::chrono::seconds(10)));

  std::lock_guard lock(mu);
  REQUIRE(received.size() == 2);
  CHECK(received[0].topic() == "/tasks/start");
  CHECK(received[0].event().type_url() == "containerd.events.TaskStart");
  CHECK(received[1].topic() == "/tasks/delete");
  CHECK(received[1].namespace_() == "k8s.io");
  CHECK(namespaces[0] == "k8s.io");
  server.stop();
  std::filesystem::remove_all(dir);
}
