#include "shim-v2/process_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "common/error.hpp"

namespace runz::shim {
namespace {

constexpr std::string_view kFileScheme = "file://";

void clear_nonblock(int fd, std::string_view path) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) throw_errno("fcntl " + runz::quoted(path));
}

void refuse_binary(std::string_view path) {
  if (path.starts_with(kBinaryScheme)) {
    throw Error("stdio " + runz::quoted(path) + ": a binary:// logger is named by stdout (it gets stderr too)");
  }
}

}  // namespace

UniqueFd open_stdin(std::string_view path) {
  if (path.empty()) return open_dev_null();
  refuse_binary(path);
  std::string p(path.starts_with(kFileScheme) ? path.substr(kFileScheme.size()) : path);
  // Non-blocking so a fifo whose writer is not there yet cannot hang the shim; blocking again afterwards.
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) throw_errno("open stdin " + runz::quoted(p));
  clear_nonblock(fd.get(), p);
  return fd;
}

UniqueFd open_output(std::string_view path) {
  if (path.empty()) return open_dev_null();
  refuse_binary(path);
  if (path.starts_with(kFileScheme)) {
    std::string p(path.substr(kFileScheme.size()));
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    if (!fd) throw_errno("open output file " + runz::quoted(p));
    return fd;
  }
  std::string p(path);
  UniqueFd fd(::open(p.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd && errno == ENXIO) {
    // A fifo nobody reads yet: O_RDWR never blocks and keeps it open for the reader to come.
    fd.reset(::open(p.c_str(), O_RDWR | O_CLOEXEC));
  }
  if (!fd) throw_errno("open output " + runz::quoted(p));
  clear_nonblock(fd.get(), p);
  return fd;
}

TaskStdio open_stdio(std::string_view in, std::string_view out, std::string_view err, const StdioOwner& owner) {
  TaskStdio stdio;
  stdio.in = open_stdin(in);
  if (out.starts_with(kBinaryScheme)) {
    stdio.logger = std::make_unique<LogBinary>(out, owner.id, owner.ns);
    stdio.out = stdio.logger->take_stdout();
    stdio.err = stdio.logger->take_stderr();
    return stdio;
  }
  stdio.out = open_output(out);
  stdio.err = open_output(err);
  return stdio;
}

}  // namespace runz::shim
