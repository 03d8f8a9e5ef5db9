#include "runtime/record.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

using nlohmann::json;

// Reads document[key] as T, rethrowing nlohmann's errors as runz::Error naming the key.
template <class T>
T field(const json& document, const char* key) {
  try {
    return document.at(key).get<T>();
  } catch (const json::exception& e) {
    throw Error("state: field " + runz::quoted(key) + ": " + e.what());
  }
}

}  // namespace

json to_json(const HostProcess& process) { return {{"pid", process.pid}, {"startTime", process.start_time}}; }

json to_json(const ZoneRecord& record) {
  json helpers = json::array();
  for (const HostProcess& helper : record.helpers) helpers.push_back(to_json(helper));
  json devices = json::array();
  for (const ZoneDevice& device : record.devices) devices.push_back({{"kind", device.kind}, {"devid", device.devid}});
  return {{"domid", record.domid}, {"uuid", record.uuid}, {"helpers", helpers}, {"devices", devices}};
}

json to_json(const ExitRecord& record) {
  json out = {{"status", record.exit.status}};
  if (record.exit.signal) out["signal"] = *record.exit.signal;
  if (record.exit.oom_killed) out["oomKilled"] = true;
  return out;
}

json to_json(const ContainerRecord& record) {
  json out = {{"id", record.id},           {"bundle", record.bundle},
              {"rootfs", record.rootfs},   {"created", record.created},
              {"annotations", record.annotations}, {"status", std::string(spec::to_string(record.status))}};
  if (record.monitor) out["monitor"] = to_json(*record.monitor);
  if (record.zone) out["zone"] = to_json(*record.zone);
  if (record.exit) out["exit"] = to_json(*record.exit);
  return out;
}

HostProcess host_process_from_json(const json& document) {
  return HostProcess{field<pid_t>(document, "pid"), field<uint64_t>(document, "startTime")};
}

ZoneRecord zone_record_from_json(const json& document) {
  ZoneRecord record;
  record.domid = field<uint32_t>(document, "domid");
  record.uuid = field<std::string>(document, "uuid");
  for (const json& helper : field<json>(document, "helpers")) record.helpers.push_back(host_process_from_json(helper));
  // absent in records of runz versions before devices were recorded
  if (document.contains("devices")) {
    for (const json& device : field<json>(document, "devices"))
      record.devices.push_back(ZoneDevice{field<std::string>(device, "kind"), field<uint32_t>(device, "devid")});
  }
  return record;
}

ExitRecord exit_record_from_json(const json& document) {
  ExitRecord record;
  record.exit.status = field<int>(document, "status");
  if (document.contains("signal")) record.exit.signal = field<int>(document, "signal");
  if (document.contains("oomKilled")) record.exit.oom_killed = field<bool>(document, "oomKilled");
  return record;
}

ContainerRecord container_record_from_json(const json& document) {
  ContainerRecord record;
  record.id = field<std::string>(document, "id");
  record.bundle = field<std::string>(document, "bundle");
  record.rootfs = field<std::string>(document, "rootfs");
  record.created = field<std::string>(document, "created");
  record.annotations = field<std::map<std::string, std::string>>(document, "annotations");
  const auto status = spec::parse_status(field<std::string>(document, "status"));
  if (!status) throw Error("state: field `status`: unknown status");
  record.status = *status;
  if (document.contains("monitor")) record.monitor = host_process_from_json(document.at("monitor"));
  if (document.contains("zone")) record.zone = zone_record_from_json(document.at("zone"));
  if (document.contains("exit")) record.exit = exit_record_from_json(document.at("exit"));
  return record;
}

}  // namespace runz::runtime
