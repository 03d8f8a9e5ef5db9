#include "guest/kernel_file.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace runz::guest {

void write_kernel_file(const std::filesystem::path& path, const std::string& value) {
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) throw_errno("open " + runz::quoted(path.string()));
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    throw_errno("write " + runz::quoted(value) + " to " + runz::quoted(path.string()));
}

}  // namespace runz::guest
