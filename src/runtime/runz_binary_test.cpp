// The built `runz` binary, run as containerd and Docker run it, on a host without Xen (as CI is).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "runtime/test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

using runz::runtime::test::slurp;
using runz::runtime::test::TempDir;

struct Result {
  int status = -1;
  std::string out, err;
};

Result run_runz(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
  const auto out_path = cwd / ".runz-test-stdout";
  const auto err_path = cwd / ".runz-test-stderr";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv{const_cast<char*>(RUNZ_BINARY)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(RUNZ_BINARY, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  Result result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out_path), slurp(err_path)};
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

bool host_is_dom0() { return slurp("/proc/xen/capabilities").find("control_d") != std::string::npos; }

}  // namespace

TEST_CASE("runz spec + create on a host without Xen: one clear error, nothing under --root") {
  TempDir tmp;
  const auto root = tmp.path / "root";
  const auto bundle = tmp.path / "bundle";
  std::filesystem::create_directories(bundle / "rootfs");

  const Result spec = run_runz({"--root", root.string(), "spec"}, bundle);
  CHECK(spec.status == 0);
  CHECK(nlohmann::json::parse(slurp(bundle / "config.json"))["process"]["args"].is_array());
  const Result again = run_runz({"--root", root.string(), "spec"}, bundle);
  CHECK(again.status == 1);
  CHECK(again.err == "File config.json exists. Remove it first\n");

  if (host_is_dom0()) {
    MESSAGE("this host is a Xen dom0: the no-Xen path cannot be checked here");
    return;
  }
  const Result create = run_runz({"--root", root.string(), "create", "-b", ".", "t1"}, bundle);
  CHECK(create.status == 1);
  CHECK(create.err.find("runz needs a Xen dom0") != std::string::npos);
  CHECK(std::count(create.err.begin(), create.err.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(root));

  const Result run = run_runz({"--root", root.string(), "run", "-d", "t1"}, bundle);
  CHECK(run.status == 1);
  CHECK(run.err.find("Xen") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(root));
}

TEST_CASE("runz state of an unknown container") {
  TempDir tmp;
  const Result state = run_runz({"--root", (tmp.path / "root").string(), "state", "nope"}, tmp.path);
  CHECK(state.status == 1);
  CHECK(state.err.find("does not exist") != std::string::npos);
  CHECK(state.out.empty());
}

TEST_CASE("runz features prints the features document") {
  TempDir tmp;
  const Result features = run_runz({"features"}, tmp.path);
  CHECK(features.status == 0);
  CHECK(nlohmann::json::parse(features.out).contains("ociVersionMax"));
}

TEST_CASE("errors are appended to --log as runc's JSON line") {
  TempDir tmp;
  const auto bundle = tmp.path / "bundle";
  std::filesystem::create_directories(bundle / "rootfs");
  std::ofstream(bundle / "config.json") << R"({"ociVersion":"1.2.0","root":{"path":"rootfs"},"process":{"cwd":"/"}})";
  const auto log = tmp.path / "log.json";
  const Result create = run_runz({"--root", (tmp.path / "root").string(), "--log", log.string(), "--log-format", "json",
                              "create", "--bundle", bundle.string(), "--pid-file", (tmp.path / "pid").string(), "t2"},
                             tmp.path);
  CHECK(create.status == 1);
  CHECK(create.err.find("process.args") != std::string::npos);
  std::ifstream in(log);
  std::string line, extra;
  REQUIRE(std::getline(in, line));
  CHECK_FALSE(std::getline(in, extra));
  const auto entry = nlohmann::json::parse(line);
  CHECK(entry["level"] == "error");
  CHECK(entry["msg"].get<std::string>().find("process.args") != std::string::npos);
  CHECK(entry["time"].get<std::string>().back() == 'Z');
  CHECK_FALSE(std::filesystem::exists(tmp.path / "root"));
}

TEST_CASE("runz --version, unknown verbs and bad options") {
  TempDir tmp;
  const Result version = run_runz({"--version"}, tmp.path);
  CHECK(version.status == 0);
  CHECK(version.out == "runz version 0.1.0\nspec: 1.2.0\n");
  const Result unknown = run_runz({"frobnicate"}, tmp.path);
  CHECK(unknown.status == 1);
  CHECK(unknown.err.find("unknown command") != std::string::npos);
  const Result bad = run_runz({"delete", "--bogus", "x"}, tmp.path);
  CHECK(bad.status == 1);
  CHECK(bad.err.find("bogus") != std::string::npos);
  const auto log = tmp.path / "log.txt";
  const Result bad_logged = run_runz({"--log", log.string(), "kill", "--bogus", "x"}, tmp.path);
  CHECK(bad_logged.status == 1);
  CHECK(slurp(log).find("level=error msg=\"runz kill: ") != std::string::npos);
  const Result exec = run_runz({"exec", "x", "true"}, tmp.path);
  CHECK(exec.status == 1);
  CHECK(exec.err.find("container x does not exist") != std::string::npos);
  const Result update = run_runz({"update", "--memory", "64m", "x"}, tmp.path);
  CHECK(update.status == 1);
  CHECK(update.err.find("container x does not exist") != std::string::npos);
  const Result checkpoint = run_runz({"checkpoint", "x"}, tmp.path);
  CHECK(checkpoint.status == 1);
  CHECK(checkpoint.err.find("not supported yet") != std::string::npos);
}
