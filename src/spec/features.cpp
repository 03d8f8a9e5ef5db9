#include "spec/features.hpp"

#include "spec/config.hpp"
#include "spec/names.hpp"
#include "spec/pod.hpp"

#include <nlohmann/json.hpp>

#include <array>

#ifndef RUNZ_VERSION
#define RUNZ_VERSION "unknown"
#endif

namespace runz::spec {

namespace {

nlohmann::ordered_json list(std::span<const std::string_view> names) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (auto name : names) out.push_back(std::string(name));
  return out;
}

// Seccomp filter flags the guest agent applies (WAIT_KILLABLE_RECV needs a listener, which zones lack).
constexpr std::array<std::string_view, 3> kSupportedSeccompFlags = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};

}  // namespace

nlohmann::ordered_json features_json() {
  nlohmann::ordered_json f;
  f["ociVersionMin"] = "1.0.0";
  f["ociVersionMax"] = kOciVersion;
  f["hooks"] = list(hook_names());
  f["mountOptions"] = list(mount_option_names());

  nlohmann::ordered_json linux_features;
  linux_features["namespaces"] = list(namespace_types());
  linux_features["capabilities"] = list(capability_names());
  // Cgroups live in the zone's own kernel, which runz boots with cgroup v2 only; no systemd driver.
  linux_features["cgroup"] = {{"v1", false}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}};
  nlohmann::ordered_json seccomp;
  seccomp["enabled"] = true;
  seccomp["actions"] = list(seccomp_actions());
  seccomp["operators"] = list(seccomp_operators());
  seccomp["archs"] = list(seccomp_archs());
  seccomp["knownFlags"] = list(seccomp_flags());
  seccomp["supportedFlags"] = list(kSupportedSeccompFlags);
  linux_features["seccomp"] = std::move(seccomp);
  linux_features["apparmor"] = {{"enabled", false}};
  linux_features["selinux"] = {{"enabled", false}};
  linux_features["intelRdt"] = {{"enabled", false}};
  linux_features["mountExtensions"] = {{"idmap", {{"enabled", false}}}};
  f["linux"] = std::move(linux_features);

  f["annotations"] = {{"io.runz.version", RUNZ_VERSION}, {kZoneDirAnnotation, kDefaultZoneDir}};
  // Annotations that change what runz does: its own zone dir, and the pod annotations containerd's CRI plugin
  // sets (a container joins the zone of the sandbox they name, spec/pod.hpp).
  f["potentiallyUnsafeConfigAnnotations"] = nlohmann::ordered_json::array(
      {kZoneDirAnnotation, kContainerTypeAnnotation, kSandboxIdAnnotation, kSandboxNamespaceAnnotation,
       kSandboxNameAnnotation});
  return f;
}

}  // namespace runz::spec
