#include "xen/p9/seccomp_filter.hpp"

#include <seccomp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.hpp"

namespace runz::p9 {

namespace {
// The system calls a running backend makes: 9P on files (the *at family, I/O, directory reads), the
// xenstore socket, the gntdev/evtchn/xenbus device files (ioctl, read, write, mmap), the poll loop,
// memory management and threads of libc/libxenstore, and exit.
constexpr int kAllowed[] = {
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(readv), SCMP_SYS(writev),
    SCMP_SYS(close), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
    SCMP_SYS(lseek), SCMP_SYS(getdents64), SCMP_SYS(mkdirat), SCMP_SYS(mknodat), SCMP_SYS(symlinkat),
    SCMP_SYS(readlinkat), SCMP_SYS(linkat), SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlinkat),
    SCMP_SYS(fchownat), SCMP_SYS(fchmodat), SCMP_SYS(utimensat), SCMP_SYS(ftruncate), SCMP_SYS(fsync),
    SCMP_SYS(fdatasync), SCMP_SYS(fstatfs), SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(ioctl),
    SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
    SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(brk),
    SCMP_SYS(futex), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(sigaltstack), SCMP_SYS(getpid),
    SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
    SCMP_SYS(getrandom), SCMP_SYS(restart_syscall), SCMP_SYS(sched_yield), SCMP_SYS(exit), SCMP_SYS(exit_group),
    // libxenstore creates its watch pipe lazily and runs a reader thread; signal handlers are (re)installed
    // at shutdown. Seen refused in the emulated Xen host without these.
    SCMP_SYS(pipe2), SCMP_SYS(rt_sigaction), SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity),
};

#if defined(__x86_64__)
void on_sigsys(int, siginfo_t* info, void* context) {
  // Async-signal-safe: format the number by hand and write(2) it.
  char msg[80] = "runz-p9-backend: seccomp refused system call ";
  size_t len = std::strlen(msg);
  char digits[12];
  int n = 0;
  unsigned v = static_cast<unsigned>(info->si_syscall);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < 11);
  while (n > 0 && len < sizeof msg - 2) msg[len++] = digits[--n];
  msg[len++] = '\n';
  (void)!::write(STDERR_FILENO, msg, len);
  auto* uc = static_cast<ucontext_t*>(context);
  uc->uc_mcontext.gregs[REG_RAX] = -EPERM;  // the refused call returns EPERM
}
#endif

struct CtxDeleter {
  void operator()(scmp_filter_ctx ctx) const noexcept { seccomp_release(ctx); }
};
}  // namespace

void load_backend_seccomp() {
#if defined(__x86_64__)
  struct sigaction sa {};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  if (::sigaction(SIGSYS, &sa, nullptr) != 0) throw_errno("sigaction SIGSYS");
  const uint32_t default_action = SCMP_ACT_TRAP;
#else
  const uint32_t default_action = SCMP_ACT_ERRNO(EPERM);
#endif
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(default_action));
  if (!ctx) throw Error("seccomp_init failed", ENOMEM);
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_TSYNC, 1);
  if (rc != 0) throw_errno("seccomp: TSYNC", -rc);
  for (int nr : kAllowed) {
    rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, nr, 0);
    if (rc != 0) throw_errno("seccomp_rule_add " + std::to_string(nr), -rc);
  }
  rc = seccomp_load(ctx.get());
  if (rc != 0) throw_errno("seccomp_load", -rc);
}

}  // namespace runz::p9
