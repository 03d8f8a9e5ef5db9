// A zone's primary PV console as the agent session's byte channel.
#pragma once

#include <string>
#include <utility>

#include "xen/byte_channel.hpp"
#include "xen/console.hpp"

namespace runz::xen {

class PvConsoleChannel final : public ByteChannel {
 public:
  explicit PvConsoleChannel(PvConsole console) : console_(std::move(console)) {}

  int fd() const override { return console_.fd(); }
  void handle_event() override { console_.handle_event(); }
  size_t read_available(std::span<std::byte> dst) override { return console_.read_available(dst); }
  size_t write_some(std::span<const std::byte> data) override { return console_.write_some(data); }
  std::string diagnostics() const override {
    const auto i = console_.ring_indexes();
    return "ring in cons/prod " + std::to_string(i.in_cons) + "/" + std::to_string(i.in_prod) + ", out cons/prod " +
           std::to_string(i.out_cons) + "/" + std::to_string(i.out_prod);
  }

 private:
  PvConsole console_;
};

}  // namespace runz::xen
