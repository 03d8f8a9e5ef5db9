#include "xen/terminal_resizes.hpp"

#include <sys/ioctl.h>
#include <termios.h>

namespace runz::xen {

std::string TerminalResizes::changed_frames(const std::vector<std::pair<uint32_t, int>>& terminals) {
  std::string frames;
  // what was sent, per handle still listed (a 0x0 size stays unsent, so the first real one goes out)
  std::map<uint32_t, agent_proto::Resize> sent;
  for (const auto& [handle, fd] : terminals) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) continue;  // not a terminal (or closed): nothing to carry over
    const agent_proto::Resize size{ws.ws_row, ws.ws_col};
    if (size == agent_proto::Resize{}) continue;
    sent[handle] = size;
    auto it = sent_.find(handle);
    if (it != sent_.end() && it->second == size) continue;
    frames += agent_proto::encode(handle, size);
  }
  sent_ = std::move(sent);
  return frames;
}

}  // namespace runz::xen
