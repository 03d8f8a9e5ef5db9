#include "common/fd.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

TEST_CASE("UniqueFd closes once and moves ownership") {
  auto [r, w] = runz::make_pipe();
  const int raw = r.get();
  CHECK(fcntl(raw, F_GETFD) >= 0);
  runz::UniqueFd moved = std::move(r);
  CHECK_FALSE(r.valid());
  CHECK(moved.get() == raw);
  moved.reset();
  CHECK(fcntl(raw, F_GETFD) == -1);
  CHECK(w.valid());
  CHECK((fcntl(w.get(), F_GETFD) & FD_CLOEXEC) != 0);
}
