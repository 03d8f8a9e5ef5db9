#include <pwd.h>
#include <sys/stat.h>

#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"

namespace runz::runtime {
namespace {

// runc's OWNER column: the user owning the state dir.
std::string owner_of(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return "";
  passwd entry{};
  passwd* found = nullptr;
  char buffer[1024];
  if (::getpwuid_r(st.st_uid, &entry, buffer, sizeof buffer, &found) == 0 && found) return found->pw_name;
  return "#" + std::to_string(st.st_uid);
}

}  // namespace

spec::State container_state(const Runtime& rt, std::string_view id) {
  validate_container_id(id);
  const Container container = load_container(rt.store, rt.factory, id);
  return make_state(container.record, container.status);
}

std::vector<spec::State> list_containers(const Runtime& rt) {
  std::vector<spec::State> states;
  for (const std::string& id : rt.store.list()) {
    try {
      const Container container = load_container(rt.store, rt.factory, id);
      spec::State state = make_state(container.record, container.status);
      state.owner = owner_of(rt.store.dir(id));
      states.push_back(std::move(state));
    } catch (const std::exception& e) {
      rt.log.warn("list: container " + id + ": " + e.what());  // deleted meanwhile, or unreadable
    }
  }
  return states;
}

}  // namespace runz::runtime
