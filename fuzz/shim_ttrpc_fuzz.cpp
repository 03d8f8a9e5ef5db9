// libFuzzer target: the ttrpc bytes a shim reads from its socket (containerd, or anything that can connect).
// The input is split into chunks by its own first bytes and fed to the frame decoder; every frame that comes
// out is dispatched as a request to a server with one echo method, which decodes ttrpc.Request and encodes
// a Response. Must never crash, allocate past the 4 MiB frame limit, or loop.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shim-v2/ttrpc_frame.hpp"
#include "shim-v2/ttrpc_server.hpp"

namespace {

runz::shim::ttrpc::Server& server() {
  static runz::shim::ttrpc::Server* s = [] {
    auto* srv = new runz::shim::ttrpc::Server();
    srv->register_method("containerd.task.v2.Task", "State",
                         [](const std::string& payload, const runz::shim::ttrpc::RequestContext&) { return payload; });
    return srv;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace runz::shim::ttrpc;
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  FrameDecoder decoder;
  try {
    while (!input.empty()) {
      std::string_view piece = input.substr(0, chunk);
      input.remove_prefix(piece.size());
      decoder.feed(piece);
      while (auto frame = decoder.next()) {
        if (frame->header.type == static_cast<std::uint8_t>(MessageType::Request)) {
          std::string response = server().dispatch(frame->data);
          (void)encode_frame(frame->header.stream_id, MessageType::Response, 0, response);
        }
      }
    }
  } catch (const FrameError&) {
    // An oversized header: the connection would be closed.
  }
  return 0;
}
