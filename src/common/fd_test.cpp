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

TEST_CASE("open_dev_null gives a readable, writable, close-on-exec /dev/null") {
  const runz::UniqueFd null = runz::open_dev_null();
  REQUIRE(null.valid());
  char c = 0;
  CHECK(::write(null.get(), "x", 1) == 1);
  CHECK(::read(null.get(), &c, 1) == 0);
  CHECK((::fcntl(null.get(), F_GETFD) & FD_CLOEXEC) != 0);
}
