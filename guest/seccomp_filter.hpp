// linux.seccomp translated to a libseccomp filter: default action (with errnoRet), architectures, flags,
// and one rule per syscall name (args with their operators). Built at CREATE so translation errors come back
// then; loaded right before execve (or before the capability drop when noNewPrivileges is false, since a
// filter without NO_NEW_PRIVS needs CAP_SYS_ADMIN).
//
// As runc: syscall names this libseccomp does not know are skipped; rules whose action equals the default
// action are skipped; when an argument index repeats within one syscall entry, each argument becomes its
// own rule (OR), otherwise all arguments go in one rule (AND). SCMP_ACT_NOTIFY needs a listener, which the
// zone cannot reach, and is refused.
#pragma once

#include "spec/config.hpp"

#include <seccomp.h>

namespace runz::guest {

// Owns a scmp_filter_ctx.
class SeccompFilter {
 public:
  SeccompFilter() noexcept = default;
  explicit SeccompFilter(scmp_filter_ctx ctx) noexcept : ctx_(ctx) {}
  SeccompFilter(SeccompFilter&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
  SeccompFilter& operator=(SeccompFilter&& other) noexcept;
  SeccompFilter(const SeccompFilter&) = delete;
  SeccompFilter& operator=(const SeccompFilter&) = delete;
  ~SeccompFilter();

  scmp_filter_ctx get() const noexcept { return ctx_; }
  explicit operator bool() const noexcept { return ctx_ != nullptr; }

 private:
  scmp_filter_ctx ctx_ = nullptr;
};

// "SCMP_ACT_ERRNO" + errnoRet → libseccomp action value; errnoRet defaults to EPERM. Throws runz::Error.
uint32_t seccomp_action(const std::string& name, std::optional<uint32_t> errno_ret);
// "SCMP_CMP_EQ" → scmp_compare. Throws runz::Error.
scmp_compare seccomp_operator(const std::string& name);
// "SCMP_ARCH_X86_64" → libseccomp arch token. Throws runz::Error.
uint32_t seccomp_arch(const std::string& name);

// Builds the filter. `no_new_privileges` sets libseccomp's NNP attribute to match the process.
SeccompFilter build_seccomp_filter(const spec::Seccomp& seccomp, bool no_new_privileges);
// seccomp_load; throws runz::Error with the errno.
void load_seccomp_filter(const SeccompFilter& filter);
// The filter as libseccomp's pseudo-filter-code text (for tests and diagnostics).
std::string seccomp_filter_pfc(const SeccompFilter& filter);

}  // namespace runz::guest
