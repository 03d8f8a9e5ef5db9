#include "guest/seccomp_filter.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"

#include <array>
#include <cctype>
#include <set>
#include <sys/mman.h>
#include <unistd.h>

namespace runz::guest {

namespace {

struct NamedOperator {
  std::string_view name;
  scmp_compare op;
};

constexpr std::array<NamedOperator, 7> kOperators = {{
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
}};

void check_rc(int rc, const std::string& what) {
  if (rc < 0) throw_errno(what, -rc);
}

}  // namespace

SeccompFilter& SeccompFilter::operator=(SeccompFilter&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) seccomp_release(ctx_);
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

SeccompFilter::~SeccompFilter() {
  if (ctx_ != nullptr) seccomp_release(ctx_);
}

uint32_t seccomp_action(const std::string& name, std::optional<uint32_t> errno_ret) {
  const uint32_t err = errno_ret.value_or(EPERM);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err);
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY") throw Error("seccomp action `SCMP_ACT_NOTIFY` needs a listener, which a zone cannot reach", ENOTSUP);
  throw Error("unknown seccomp action " + runz::quoted(name), EINVAL);
}

scmp_compare seccomp_operator(const std::string& name) {
  for (const auto& entry : kOperators)
    if (entry.name == name) return entry.op;
  throw Error("unknown seccomp operator " + runz::quoted(name), EINVAL);
}

uint32_t seccomp_arch(const std::string& name) {
  constexpr std::string_view kPrefix = "SCMP_ARCH_";
  if (name.rfind(kPrefix, 0) != 0) throw Error("unknown seccomp architecture " + runz::quoted(name), EINVAL);
  std::string lower = name.substr(kPrefix.size());
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const uint32_t arch = seccomp_arch_resolve_name(lower.c_str());
  if (arch == 0) throw Error("unknown seccomp architecture " + runz::quoted(name), EINVAL);
  return arch;
}

SeccompFilter build_seccomp_filter(const spec::Seccomp& seccomp, bool no_new_privileges) {
  const uint32_t default_action = seccomp_action(seccomp.default_action, seccomp.default_errno_ret);
  SeccompFilter filter(seccomp_init(default_action));
  if (!filter) throw Error("seccomp_init failed", ENOMEM);
  check_rc(seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_NNP, no_new_privileges ? 1 : 0), "seccomp: set NNP attribute");
  for (const auto& flag : seccomp.flags) {
    if (flag == "SECCOMP_FILTER_FLAG_TSYNC") {
      check_rc(seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_TSYNC, 1), "seccomp: set flag " + runz::quoted(flag));
    } else if (flag == "SECCOMP_FILTER_FLAG_LOG") {
      check_rc(seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_LOG, 1), "seccomp: set flag " + runz::quoted(flag));
    } else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") {
      check_rc(seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_SSB, 1), "seccomp: set flag " + runz::quoted(flag));
    } else {
      throw Error("unknown seccomp flag " + runz::quoted(flag), EINVAL);
    }
  }
  for (const auto& name : seccomp.architectures) {
    const int rc = seccomp_arch_add(filter.get(), seccomp_arch(name));
    if (rc < 0 && rc != -EEXIST) check_rc(rc, "seccomp: add architecture " + runz::quoted(name));
  }
  for (const auto& entry : seccomp.syscalls) {
    const uint32_t action = seccomp_action(entry.action, entry.errno_ret);
    if (action == default_action) continue;
    std::vector<scmp_arg_cmp> args;
    std::set<uint32_t> indices;
    bool repeated = false;
    for (const auto& arg : entry.args) {
      if (arg.index > 5) throw Error("seccomp argument index " + std::to_string(arg.index) + " is over 5", EINVAL);
      repeated = repeated || !indices.insert(arg.index).second;
      args.push_back(scmp_arg_cmp{arg.index, seccomp_operator(arg.op), arg.value, arg.value_two});
    }
    for (const auto& name : entry.names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // not a syscall of these architectures: skipped, as runc does
      const std::string what = "seccomp: add rule for " + runz::quoted(name);
      if (repeated) {
        for (const auto& arg : args)
          check_rc(seccomp_rule_add_array(filter.get(), action, nr, 1, &arg), what);
      } else {
        check_rc(seccomp_rule_add_array(filter.get(), action, nr, static_cast<unsigned>(args.size()), args.data()), what);
      }
    }
  }
  return filter;
}

void load_seccomp_filter(const SeccompFilter& filter) { check_rc(seccomp_load(filter.get()), "seccomp_load"); }

std::string seccomp_filter_pfc(const SeccompFilter& filter) {
  UniqueFd fd(::memfd_create("seccomp-pfc", MFD_CLOEXEC));
  if (!fd) throw_errno("memfd_create");
  check_rc(seccomp_export_pfc(filter.get(), fd.get()), "seccomp_export_pfc");
  std::string out;
  char buffer[4096];
  if (::lseek(fd.get(), 0, SEEK_SET) < 0) throw_errno("lseek");
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) throw_errno("read seccomp pfc");
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace runz::guest
