#include "runtime/pod_member_zone.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "spec/parse.hpp"

namespace runz::runtime {

PodMemberZone::PodMemberZone(const ZoneConfig& cfg, ZoneStdio stdio)
    : id_(cfg.id), sandbox_id_(cfg.sandbox.value_or("")), sandbox_(cfg.sandbox_socket) {
  const UniqueFd in = stdio.in ? std::move(stdio.in) : open_dev_null();
  const UniqueFd out = stdio.out ? std::move(stdio.out) : open_dev_null();
  const UniqueFd err = stdio.err ? std::move(stdio.err) : open_dev_null();
  with_context("join the zone of pod sandbox " + runz::quoted(sandbox_id_), [&] {
    connection_.emplace(sandbox_.add_container({{"id", id_}}, {in.get(), out.get(), err.get()}));
  });
}

PodMemberZone::~PodMemberZone() {
  connection_.reset();  // the sandbox's monitor withdraws the container
  std::vector<std::thread> waiters;
  {
    std::lock_guard lock(exec_mutex_);
    waiters.swap(exec_waiters_);
  }
  for (std::thread& t : waiters) t.join();
}

void PodMemberZone::start() { sandbox_.start_container(connection_->started().handle); }

void PodMemberZone::signal(int sig, bool all) { sandbox_.signal_container(connection_->started().handle, sig, all); }

void PodMemberZone::pause() { sandbox_.change_container(connection_->started().handle, nullptr, true); }

void PodMemberZone::resume() { sandbox_.change_container(connection_->started().handle, nullptr, false); }

ZoneExit PodMemberZone::wait_exit() { return connection_->wait(); }

ExecStarted PodMemberZone::exec(const spec::Process& process, ZoneStdio stdio, std::function<void(ZoneExit)> on_exit,
                                std::optional<uint32_t> container) {
  if (container) throw Error("container " + runz::quoted(id_) + " holds no other containers", EINVAL);
  ExecConnection connection = sandbox_.exec(spec::to_json(process), {stdio.in.get(), stdio.out.get(), stdio.err.get()},
                                            connection_->started().handle);
  const ExecStarted started = connection.started();
  std::lock_guard lock(exec_mutex_);
  exec_waiters_.emplace_back([c = std::move(connection), on_exit = std::move(on_exit)]() mutable { on_exit(c.wait()); });
  return started;
}

void PodMemberZone::signal_exec(uint32_t handle, int sig) { sandbox_.signal_exec(handle, sig); }

ZoneUsage PodMemberZone::usage() { return sandbox_.change_container(connection_->started().handle, nullptr, std::nullopt); }

void PodMemberZone::update(const spec::Resources& resources) {
  sandbox_.change_container(connection_->started().handle, spec::to_json(resources), std::nullopt);
}

ZoneUsage PodMemberZone::change_container(uint32_t, const ContainerChange&) {
  throw Error("container " + runz::quoted(id_) + " is not a pod sandbox", EINVAL);
}

ExecStarted PodMemberZone::add_container(const ZoneConfig&, ZoneStdio, std::function<void(ZoneExit)>) {
  throw Error("container " + runz::quoted(id_) + " is not a pod sandbox", EINVAL);
}

void PodMemberZone::start_container(uint32_t) { throw Error("container " + runz::quoted(id_) + " is not a pod sandbox", EINVAL); }

void PodMemberZone::signal_container(uint32_t, int, bool) {
  throw Error("container " + runz::quoted(id_) + " is not a pod sandbox", EINVAL);
}

void PodMemberZone::remove_container(uint32_t) noexcept {}

}  // namespace runz::runtime
