#include "spec/features.hpp"

#include "spec/names.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace {
bool is_string_array(const nlohmann::ordered_json& j) {
  if (!j.is_array()) return false;
  for (const auto& item : j) {
    if (!item.is_string()) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("features document has the shape of runtime-spec features.md") {
  auto f = runz::spec::features_json();
  CHECK(f["ociVersionMin"] == "1.0.0");
  CHECK(f["ociVersionMax"] == "1.2.0");
  CHECK(f["hooks"] == nlohmann::ordered_json::array(
                          {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}));
  CHECK(is_string_array(f["mountOptions"]));
  CHECK(f["mountOptions"].size() == runz::spec::mount_option_names().size());

  const auto& l = f["linux"];
  CHECK(is_string_array(l["namespaces"]));
  CHECK(l["namespaces"].size() == 8);
  CHECK(l["capabilities"].size() == 41);
  CHECK(l["capabilities"].back() == "CAP_CHECKPOINT_RESTORE");
  for (const char* key : {"v1", "v2", "systemd", "systemdUser", "rdma"}) CHECK(l["cgroup"][key].is_boolean());
  CHECK(l["seccomp"]["enabled"] == true);
  for (const char* key : {"actions", "operators", "archs", "knownFlags", "supportedFlags"}) {
    CAPTURE(key);
    CHECK(is_string_array(l["seccomp"][key]));
  }
  for (const auto& flag : l["seccomp"]["supportedFlags"]) {
    CHECK(runz::spec::contains(runz::spec::seccomp_flags(), flag.get<std::string>()));
  }
  CHECK(l["apparmor"]["enabled"] == false);
  CHECK(l["selinux"]["enabled"] == false);
  CHECK(l["intelRdt"]["enabled"] == false);
  CHECK(l["mountExtensions"]["idmap"]["enabled"] == false);

  CHECK(f["annotations"]["io.runz.zone-dir"] == "/usr/lib/runz/zone");
  CHECK(f["annotations"]["io.runz.version"].is_string());
  CHECK(f["potentiallyUnsafeConfigAnnotations"] ==
        nlohmann::ordered_json::array({"io.runz.zone-dir", "io.kubernetes.cri.container-type",
                                       "io.kubernetes.cri.sandbox-id", "io.kubernetes.cri.sandbox-namespace",
                                       "io.kubernetes.cri.sandbox-name"}));

  // Only properties features-schema.json defines, in a stable order.
  std::vector<std::string> keys;
  for (const auto& item : f.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "linux",
                                         "annotations", "potentiallyUnsafeConfigAnnotations"});
}
