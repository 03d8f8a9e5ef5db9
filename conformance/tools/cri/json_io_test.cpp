#include "json_io.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cri_runtime_v1.pb.h"

namespace {

// A temporary file holding `text`, removed at scope exit.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/runz-cri-json-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("a crictl pod file: proto field names, enum numbers, unknown fields skipped") {
  TempFile file(R"({"metadata":{"name":"p1","namespace":"default","uid":"u1","attempt":1},
    "log_directory":"/tmp/p1","port_mappings":[{"container_port":80,"host_port":8090,"protocol":"TCP"}],
    "dns_config":{"servers":["10.0.0.10"]},
    "linux":{"security_context":{"namespace_options":{"network":2,"pid":1}}}})");
  runtime::v1::PodSandboxConfig config;
  runz::cri::read_json_file(file.path(), config);
  CHECK(config.metadata().name() == "p1");
  CHECK(config.metadata().attempt() == 1);
  CHECK(config.log_directory() == "/tmp/p1");
  REQUIRE(config.port_mappings_size() == 1);
  CHECK(config.port_mappings(0).container_port() == 80);
  CHECK(config.port_mappings(0).host_port() == 8090);
  CHECK(config.port_mappings(0).protocol() == runtime::v1::TCP);
  CHECK(config.linux().security_context().namespace_options().network() == runtime::v1::NODE);
  CHECK(config.linux().security_context().namespace_options().pid() == runtime::v1::CONTAINER);
}

TEST_CASE("a container file: lowerCamelCase names, enum names, env values as plain strings") {
  TempFile file(R"({"metadata":{"name":"c1"},"image":{"image":"busybox:1"},"command":["/bin/sh","-c","true"],
    "envs":[{"key":"FOO","value":"bar baz"}],"logPath":"c1.log",
    "linux":{"securityContext":{"namespaceOptions":{"pid":"POD"}}}})");
  runtime::v1::ContainerConfig config;
  runz::cri::read_json_file(file.path(), config);
  CHECK(config.image().image() == "busybox:1");
  REQUIRE(config.envs_size() == 1);
  CHECK(config.envs(0).value() == "bar baz");
  CHECK(config.log_path() == "c1.log");
  CHECK(config.command_size() == 3);
}

TEST_CASE("bad files name the file and the fault on one line") {
  TempFile file(R"({"metadata": )");
  runtime::v1::ContainerConfig config;
  try {
    runz::cri::read_json_file(file.path(), config);
    FAIL("no exception");
  } catch (const runz::cri::InputError& e) {
    std::string message = e.what();
    CHECK(message.starts_with("`" + file.path() + "` is not a valid ContainerConfig: "));
    CHECK(message.find('\n') == std::string::npos);
  }
  CHECK_THROWS_WITH_AS(runz::cri::read_json_file("/nonexistent/c.json", config),
                       "open `/nonexistent/c.json`: No such file or directory", runz::cri::InputError);
}

TEST_CASE("JSON out: lowerCamelCase, enum names, zero values printed") {
  runtime::v1::ContainerStatus status;
  status.set_id("abc");
  status.set_state(runtime::v1::CONTAINER_EXITED);
  std::string json = runz::cri::to_json(status);
  CHECK(json.find(R"("state": "CONTAINER_EXITED")") != std::string::npos);
  CHECK(json.find(R"("exitCode": 0)") != std::string::npos);
  CHECK(json.ends_with("\n"));
}
