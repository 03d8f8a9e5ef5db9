#include "runtime/monitor_client.hpp"

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/errors.hpp"
#include "runtime/unix_socket.hpp"

namespace runz::runtime {

nlohmann::json MonitorClient::call(const nlohmann::json& request) const {
  UniqueFd fd;
  try {
    fd = connect_unix(socket_);
  } catch (const Error& e) {
    if (e.code() == ENOENT || e.code() == ECONNREFUSED) throw ContainerNotRunning();
    throw e.with_context("monitor");
  }
  std::optional<std::string> line;
  try {
    send_all(fd.get(), request.dump() + "\n");
    line = read_line(fd.get());
  } catch (const Error& e) {
    // The monitor stopped listening after we connected: it is tearing the zone down.
    if (e.code() == ECONNRESET || e.code() == EPIPE) throw ContainerNotRunning();
    throw e.with_context("monitor");
  }
  if (!line) throw ContainerNotRunning();
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(*line);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("monitor: malformed answer: ") + e.what());
  }
  if (!answer.value("ok", false)) throw Error(answer.value("error", std::string("monitor refused the request")));
  return answer;
}

void MonitorClient::start() const { call({{"op", "start"}}); }
void MonitorClient::kill(int signal, bool all) const { call({{"op", "kill"}, {"signal", signal}, {"all", all}}); }
void MonitorClient::pause() const { call({{"op", "pause"}}); }
void MonitorClient::resume() const { call({{"op", "resume"}}); }
std::string MonitorClient::state() const { return call({{"op", "state"}}).at("status").get<std::string>(); }

ZoneExit MonitorClient::wait() const {
  const nlohmann::json answer = call({{"op", "wait"}});
  ZoneExit exit;
  exit.status = answer.at("exitStatus").get<int>();
  if (answer.contains("signal")) exit.signal = answer.at("signal").get<int>();
  return exit;
}

}  // namespace runz::runtime
