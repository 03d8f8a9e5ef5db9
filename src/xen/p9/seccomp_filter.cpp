#include "xen/p9/seccomp_filter.hpp"

#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
// clang-format off
#include <cstdint>
#include <xen/xen.h>  // domid_t (and it needs <cstdint>), for the two below
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>
// clang-format on

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

#include "common/error.hpp"

namespace runz::p9 {

namespace {
// The system calls a running backend makes without conditions: 9P on files (the *at family, I/O, directory
// reads), the xenstore socket, the gntdev/evtchn/xenbus device files (read, write, munmap), the poll loop,
// memory management and threads of libc/libxenstore, and exit. clone, ioctl, mmap, mprotect and tgkill
// are allowed only with the arguments add_conditional_rules() lets through.
constexpr int kAllowed[] = {
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(readv), SCMP_SYS(writev),
    SCMP_SYS(close), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
    SCMP_SYS(lseek), SCMP_SYS(getdents64), SCMP_SYS(mkdirat), SCMP_SYS(mknodat), SCMP_SYS(symlinkat),
    SCMP_SYS(readlinkat), SCMP_SYS(linkat), SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlinkat),
    SCMP_SYS(fchownat), SCMP_SYS(fchmodat), SCMP_SYS(utimensat), SCMP_SYS(ftruncate), SCMP_SYS(fsync),
    SCMP_SYS(fdatasync), SCMP_SYS(fstatfs), SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup3),
    SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
    SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
    SCMP_SYS(futex), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(sigaltstack), SCMP_SYS(getpid),
    SCMP_SYS(gettid), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
    SCMP_SYS(getrandom), SCMP_SYS(restart_syscall), SCMP_SYS(sched_yield), SCMP_SYS(exit), SCMP_SYS(exit_group),
    // libxenstore creates its watch pipe lazily and runs a reader thread; signal handlers are (re)installed
    // at shutdown. Seen refused in the emulated Xen host without these.
    SCMP_SYS(pipe2), SCMP_SYS(rt_sigaction), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity),
};

// clone: threads only (CLONE_THREAD | CLONE_VM set, no namespace flag); no new process, no namespace.
constexpr uint64_t kCloneNamespaces =
    CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
constexpr uint64_t kCloneThread = CLONE_THREAD | CLONE_VM;

// The ioctls libxengnttab and libxenevtchn make for the calls xen/gnttab.cpp and xen/evtchn.cpp use: map
// (MAP_GRANT_REF, then UNMAP_GRANT_REF if the mmap fails), unmap (GET_OFFSET_FOR_VADDR, UNMAP_GRANT_REF),
// SET_UNMAP_NOTIFY (libxengnttab's notify variants); bind, notify, unbind an event channel. pending and
// unmask are read(2) and write(2). libxenstore makes none.
constexpr unsigned long kXenIoctls[] = {
    IOCTL_GNTDEV_MAP_GRANT_REF,      IOCTL_GNTDEV_UNMAP_GRANT_REF, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR,
    IOCTL_GNTDEV_SET_UNMAP_NOTIFY,   IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_NOTIFY,
    IOCTL_EVTCHN_UNBIND,
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

}  // namespace

std::span<const unsigned long> backend_ioctl_requests() noexcept { return kXenIoctls; }

namespace {

struct CtxDeleter {
  void operator()(scmp_filter_ctx ctx) const noexcept { seccomp_release(ctx); }
};

void add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, std::initializer_list<scmp_arg_cmp> args,
              const char* what) {
  const int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(args.size()), args.begin());
  if (rc != 0) throw_errno(std::string("seccomp rule for ") + what, -rc);
}

// One argument comparison; libseccomp's SCMP_Ax macros are C compound literals, which clang refuses in C++.
scmp_arg_cmp arg_cmp(unsigned arg, scmp_compare op, uint64_t a, uint64_t b = 0) { return scmp_arg_cmp{arg, op, a, b}; }

void add_conditional_rules(scmp_filter_ctx ctx) {
  add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone),
           {arg_cmp(0, SCMP_CMP_MASKED_EQ, kCloneNamespaces | kCloneThread, kCloneThread)}, "clone");
  // clone3 takes its flags in memory, where a filter cannot look: ENOSYS makes glibc fall back to clone.
  add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), {}, "clone3");
  // The kernel reads the request as 32 bits: compare those, whatever the upper half holds.
  for (unsigned long request : kXenIoctls) {
    add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), {arg_cmp(1, SCMP_CMP_MASKED_EQ, 0xffffffffU, request)}, "ioctl");
  }
  add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), {arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)}, "mmap");
  add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), {arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)}, "mprotect");
  // Signals to this process's own threads only (raise, abort, pthread_kill).
  add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), {arg_cmp(0, SCMP_CMP_EQ, static_cast<uint64_t>(::getpid()))},
           "tgkill");
}
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
  add_conditional_rules(ctx.get());
  rc = seccomp_load(ctx.get());
  if (rc != 0) throw_errno("seccomp_load", -rc);
}

}  // namespace runz::p9
