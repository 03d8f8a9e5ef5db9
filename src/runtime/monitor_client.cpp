#include "runtime/monitor_client.hpp"

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/error_answer.hpp"
#include "runtime/errors.hpp"
#include "runtime/unix_socket.hpp"

namespace runz::runtime {

namespace {

nlohmann::json parse_answer(const std::string& line) {
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("monitor: malformed answer: ") + e.what());
  }
  if (!answer.value("ok", false)) throw error_from_answer(answer, "monitor refused the request");
  return answer;
}

}  // namespace

UniqueFd MonitorClient::connect() const {
  try {
    return connect_unix(socket_);
  } catch (const Error& e) {
    if (e.code() == ENOENT || e.code() == ECONNREFUSED) throw ContainerNotRunning();
    throw e.with_context("monitor");
  }
}

nlohmann::json MonitorClient::call(const nlohmann::json& request) const {
  UniqueFd fd = connect();
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
  return parse_answer(*line);
}

void MonitorClient::start() const { call({{"op", "start"}}); }
void MonitorClient::kill(int signal, bool all) const { call({{"op", "kill"}, {"signal", signal}, {"all", all}}); }
void MonitorClient::pause() const { call({{"op", "pause"}}); }
void MonitorClient::connect_network() const { call({{"op", "network"}}); }
void MonitorClient::resume() const { call({{"op", "resume"}}); }
std::string MonitorClient::state() const { return call({{"op", "state"}}).at("status").get<std::string>(); }

namespace {

ZoneUsage usage_of(const nlohmann::json& a) {
  return ZoneUsage{a.at("cpuTimeNs").get<uint64_t>(), a.at("memoryBytes").get<uint64_t>(),
                   a.at("memoryLimitBytes").get<uint64_t>(), a.value("oomKills", uint64_t{0})};
}

}  // namespace

ZoneUsage MonitorClient::stats() const { return usage_of(call({{"op", "stats"}})); }

ZoneUsage MonitorClient::change_container(uint32_t handle, const nlohmann::json& resources,
                                          std::optional<bool> frozen) const {
  nlohmann::json request = {{"op", "change-container"}, {"handle", handle}};
  if (!resources.is_null()) request["resources"] = resources;
  if (frozen) request["frozen"] = *frozen;
  return usage_of(call(request));
}

void MonitorClient::update(const nlohmann::json& resources) const { call({{"op", "update"}, {"resources", resources}}); }

namespace {

// A request whose connection stays open until the process it started ended.
ExecConnection open_process_connection(UniqueFd fd, const nlohmann::json& request, const std::vector<int>& stdio) {
  send_with_fds(fd.get(), request.dump() + "\n", stdio);
  const auto line = read_line(fd.get());
  if (!line) throw ContainerNotRunning();
  const nlohmann::json answer = parse_answer(*line);
  return ExecConnection(std::move(fd), ExecStarted{answer.at("handle").get<uint32_t>(), answer.at("pid").get<int32_t>()});
}

}  // namespace

ExecConnection MonitorClient::exec(const nlohmann::json& process, const std::vector<int>& stdio,
                                   std::optional<uint32_t> container) const {
  nlohmann::json request{{"op", "exec"}, {"process", process}};
  if (container) request["container"] = *container;
  return open_process_connection(connect(), request, stdio);
}

ExecConnection MonitorClient::add_container(const nlohmann::json& member, const std::vector<int>& stdio) const {
  nlohmann::json request = member;
  request["op"] = "add-container";
  return open_process_connection(connect(), request, stdio);
}

void MonitorClient::start_container(uint32_t handle) const { call({{"op", "start-container"}, {"handle", handle}}); }

void MonitorClient::signal_container(uint32_t handle, int signal, bool all) const {
  call({{"op", "signal-container"}, {"handle", handle}, {"signal", signal}, {"all", all}});
}

void MonitorClient::signal_exec(uint32_t handle, int signal) const {
  call({{"op", "signal-exec"}, {"handle", handle}, {"signal", signal}});
}

nlohmann::json exit_answer(const ZoneExit& exit) {
  nlohmann::json answer = {{"ok", true}, {"exitStatus", exit.status}};
  if (exit.signal) answer["signal"] = *exit.signal;
  if (exit.oom_killed) answer["oomKilled"] = true;
  return answer;
}

ZoneExit exit_from(const nlohmann::json& answer) {
  ZoneExit exit;
  exit.status = answer.at("exitStatus").get<int>();
  if (answer.contains("signal")) exit.signal = answer.at("signal").get<int>();
  exit.oom_killed = answer.value("oomKilled", false);
  return exit;
}

ZoneExit ExecConnection::wait() {
  std::optional<std::string> line;
  try {
    line = read_line(fd_.get());
  } catch (const Error&) {
    line.reset();
  }
  if (!line) return ZoneExit{255, std::nullopt};
  return exit_from(parse_answer(*line));
}

ZoneExit MonitorClient::wait() const {
  return exit_from(call({{"op", "wait"}}));
}

}  // namespace runz::runtime
