#include "xen/p9/mode_policy.hpp"

#include "xen/p9/node_ops.hpp"

namespace runz::p9 {

mode_t permitted_mode(uint32_t mode, bool is_dir) noexcept {
  mode_t m = static_cast<mode_t>(mode & 07777) & ~static_cast<mode_t>(S_ISUID | S_ISGID);
  if (!is_dir) m &= ~static_cast<mode_t>(S_ISVTX);
  return m;
}

void drop_setid_for_write(int opath_fd, const struct stat& st) {
  if (!S_ISREG(st.st_mode) || (st.st_mode & (S_ISUID | S_ISGID)) == 0) return;
  chmod_node(opath_fd, static_cast<mode_t>(st.st_mode & 07777) & ~static_cast<mode_t>(S_ISUID | S_ISGID));
}

}  // namespace runz::p9
