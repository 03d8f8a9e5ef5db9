#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/errors.hpp"

namespace runz::runtime {

void delete_container(const Runtime& rt, std::string_view id, bool force) {
  validate_container_id(id);
  const ContainerLock lock = rt.store.lock(id);
  if (!rt.store.exists(id)) {
    // A directory without state.json: a create that died before writing it (it held the lock until then).
    rt.store.remove(id, lock);
    throw ContainerNotExist(id);
  }
  const Container container = load_container(rt.store, id);
  if (!force) require(Verb::Delete, container.status, id);
  destroy_container(rt, id, lock);
}

}  // namespace runz::runtime
