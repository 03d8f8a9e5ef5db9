#include "common/fd.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "common/error.hpp"

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

TEST_CASE("write_all writes everything past the pipe's buffer; a reader gone is an error with context") {
  auto [r, w] = runz::make_pipe();
  const std::string big(200000, 'x');  // more than a pipe holds: the writes are short
  std::string got;
  std::thread reader([&, fd = r.get()] {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  });
  runz::write_all(w.get(), big, "write test");
  w.reset();
  reader.join();
  CHECK(got == big);

  auto [r2, w2] = runz::make_pipe();
  r2.reset();
  ::signal(SIGPIPE, SIG_IGN);
  CHECK_FALSE(runz::try_write_all(w2.get(), "x"));
  CHECK_THROWS_WITH_AS(runz::write_all(w2.get(), "x", "write test"), doctest::Contains("write test: Broken pipe"),
                       runz::Error);
}

TEST_CASE("wait_readable: data, timeout, and a stop fd that wins") {
  auto [r, w] = runz::make_pipe();
  auto [stop_r, stop_w] = runz::make_pipe();
  CHECK_FALSE(runz::wait_readable(r.get(), std::chrono::milliseconds(20)));
  CHECK(::write(w.get(), "x", 1) == 1);
  CHECK(runz::wait_readable(r.get(), std::chrono::milliseconds(20)));
  CHECK(runz::wait_readable(r.get(), std::nullopt, stop_r.get()));
  CHECK(::write(stop_w.get(), "s", 1) == 1);
  CHECK_FALSE(runz::wait_readable(r.get(), std::nullopt, stop_r.get()));
  w.reset();
  char c;
  CHECK(::read(r.get(), &c, 1) == 1);
  CHECK(runz::wait_readable(r.get(), std::chrono::milliseconds(20)));  // at its end
}
