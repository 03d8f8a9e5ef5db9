#include "common/capped_log.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace {
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = std::filesystem::temp_directory_path().string() + "/runz-capped-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("a flood of 10x the cap leaves at most cap + the note, which ends the file") {
  TempDir t;
  const auto path = t.path / "console.log";
  constexpr size_t kCap = 4096;
  runz::CappedLog log = runz::CappedLog::open(path.string(), kCap);
  const std::string chunk = "a line the zone keeps sending, 40 bytes\n";
  for (size_t sent = 0; sent < 10 * kCap; sent += chunk.size()) log.write(chunk);
  CHECK(log.capped());
  const std::string text = slurp(path);
  CHECK(text.size() <= kCap + 1 + log.note().size());
  CHECK(text.ends_with(log.note()));
  CHECK(log.note() == "runz: console.log capped at 4096 bytes: further output dropped\n");
  // Everything before the note is the zone's text, cut at the cap.
  CHECK(text.substr(0, 80) == chunk + chunk);
  const auto note_at = text.rfind("runz: console.log capped");
  CHECK(note_at >= kCap);
  CHECK(note_at <= kCap + 1);  // the cut line ends with a newline first
  // Later writes are dropped without touching the file.
  log.write("more\n");
  CHECK(slurp(path).size() == text.size());
}

TEST_CASE("one write bigger than the cap is cut at the cap") {
  TempDir t;
  const auto path = t.path / "big.log";
  runz::CappedLog log = runz::CappedLog::open(path.string(), 100);
  log.write(std::string(1000, 'x'));
  const std::string text = slurp(path);
  CHECK(text == std::string(100, 'x') + "\n" + log.note());
}

TEST_CASE("under the cap everything is kept and no note is written") {
  TempDir t;
  const auto path = t.path / "m.log";
  runz::CappedLog log = runz::CappedLog::open(path.string(), 100);
  log.write("one\n");
  log.write(std::string(96, 'y'));  // exactly the cap
  CHECK_FALSE(log.capped());
  CHECK(slurp(path) == "one\n" + std::string(96, 'y'));
}

TEST_CASE("a reopened log counts what the file already holds") {
  TempDir t;
  const auto path = t.path / "p9-backend.log";
  std::ofstream(path) << std::string(90, 'z');
  runz::CappedLog log = runz::CappedLog::open(path.string(), 100);
  log.write(std::string(20, 'w'));
  const std::string text = slurp(path);
  CHECK(text == std::string(90, 'z') + std::string(10, 'w') + "\n" + log.note());
}

TEST_CASE("open names the path it could not open") {
  CHECK_THROWS_WITH_AS(runz::CappedLog::open("/nonexistent-dir/x.log", 10),
                       "open `/nonexistent-dir/x.log`: No such file or directory", runz::Error);
}

TEST_CASE("stderr as a capped log: log_to_stderr stops at the cap") {
  TempDir t;
  const auto path = t.path / "monitor.log";
  const runz::UniqueFd saved(::dup(STDERR_FILENO));
  REQUIRE(saved);
  {
    runz::CappedLog target = runz::CappedLog::open(path.string(), 1);  // only to create the file
  }
  const runz::UniqueFd file(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  REQUIRE(file);
  REQUIRE(::dup2(file.get(), STDERR_FILENO) == STDERR_FILENO);
  runz::cap_stderr(1000, "monitor.log");
  for (int i = 0; i < 1000; ++i) runz::log_to_stderr("runz-xen: warning: a line the zone made us write\n");
  REQUIRE(::dup2(saved.get(), STDERR_FILENO) == STDERR_FILENO);
  runz::cap_stderr(SIZE_MAX, "stderr");  // the real stderr again, in effect uncapped, for the other tests
  const std::string text = slurp(path);
  const std::string note = "runz: monitor.log capped at 1000 bytes: further output dropped\n";
  CHECK(text.size() <= 1000 + 1 + note.size());
  CHECK(text.ends_with(note));
}
