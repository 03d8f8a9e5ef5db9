// runz-vector-check SECONDS: checks, in dom0 of the emulated Xen host, that a process's vector registers
// survive being descheduled. Checkers load a pattern into xmm/ymm0-15, spin, store them back and compare;
// a scribbler keeps other values in its registers meanwhile. Under QEMU 7.2 TCG, Xen's lazy FPU switching
// (CR0.TS + #NM) lost that state: registers came back holding other processes' values, and glibc's
// vectorised memcpy/strlen turned that into crashes all over dom0 and the zones (conformance/README.md,
// "Vector registers"). Prints one summary line; exit 0 when every round matched, 1 otherwise, 2 on misuse.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace {

constexpr int kRegisters = 16;
constexpr int kYmmBytes = 32;
constexpr int kCheckers = 2;
constexpr int kMaxReported = 5;

using Bank = std::array<std::uint8_t, kRegisters * kYmmBytes>;

// Loads all 16 registers from `in`, spins `spin` times (a window to be preempted in), stores them to `out`.
void hold_ymm(const Bank& in, Bank& out, unsigned long spin) {
  asm volatile(
      "vmovdqu 0(%0),%%ymm0\n vmovdqu 32(%0),%%ymm1\n vmovdqu 64(%0),%%ymm2\n vmovdqu 96(%0),%%ymm3\n"
      "vmovdqu 128(%0),%%ymm4\n vmovdqu 160(%0),%%ymm5\n vmovdqu 192(%0),%%ymm6\n vmovdqu 224(%0),%%ymm7\n"
      "vmovdqu 256(%0),%%ymm8\n vmovdqu 288(%0),%%ymm9\n vmovdqu 320(%0),%%ymm10\n vmovdqu 352(%0),%%ymm11\n"
      "vmovdqu 384(%0),%%ymm12\n vmovdqu 416(%0),%%ymm13\n vmovdqu 448(%0),%%ymm14\n vmovdqu 480(%0),%%ymm15\n"
      "mov %2, %%rcx\n 1: dec %%rcx\n jnz 1b\n"
      "vmovdqu %%ymm0,0(%1)\n vmovdqu %%ymm1,32(%1)\n vmovdqu %%ymm2,64(%1)\n vmovdqu %%ymm3,96(%1)\n"
      "vmovdqu %%ymm4,128(%1)\n vmovdqu %%ymm5,160(%1)\n vmovdqu %%ymm6,192(%1)\n vmovdqu %%ymm7,224(%1)\n"
      "vmovdqu %%ymm8,256(%1)\n vmovdqu %%ymm9,288(%1)\n vmovdqu %%ymm10,320(%1)\n vmovdqu %%ymm11,352(%1)\n"
      "vmovdqu %%ymm12,384(%1)\n vmovdqu %%ymm13,416(%1)\n vmovdqu %%ymm14,448(%1)\n vmovdqu %%ymm15,480(%1)\n"
      "vzeroupper\n"
      :
      : "r"(in.data()), "r"(out.data()), "r"(spin)
      : "rcx", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

// The same with the 16-byte halves only, for a CPU model without AVX.
void hold_xmm(const Bank& in, Bank& out, unsigned long spin) {
  asm volatile(
      "movdqu 0(%0),%%xmm0\n movdqu 32(%0),%%xmm1\n movdqu 64(%0),%%xmm2\n movdqu 96(%0),%%xmm3\n"
      "movdqu 128(%0),%%xmm4\n movdqu 160(%0),%%xmm5\n movdqu 192(%0),%%xmm6\n movdqu 224(%0),%%xmm7\n"
      "movdqu 256(%0),%%xmm8\n movdqu 288(%0),%%xmm9\n movdqu 320(%0),%%xmm10\n movdqu 352(%0),%%xmm11\n"
      "movdqu 384(%0),%%xmm12\n movdqu 416(%0),%%xmm13\n movdqu 448(%0),%%xmm14\n movdqu 480(%0),%%xmm15\n"
      "mov %2, %%rcx\n 1: dec %%rcx\n jnz 1b\n"
      "movdqu %%xmm0,0(%1)\n movdqu %%xmm1,32(%1)\n movdqu %%xmm2,64(%1)\n movdqu %%xmm3,96(%1)\n"
      "movdqu %%xmm4,128(%1)\n movdqu %%xmm5,160(%1)\n movdqu %%xmm6,192(%1)\n movdqu %%xmm7,224(%1)\n"
      "movdqu %%xmm8,256(%1)\n movdqu %%xmm9,288(%1)\n movdqu %%xmm10,320(%1)\n movdqu %%xmm11,352(%1)\n"
      "movdqu %%xmm12,384(%1)\n movdqu %%xmm13,416(%1)\n movdqu %%xmm14,448(%1)\n movdqu %%xmm15,480(%1)\n"
      :
      : "r"(in.data()), "r"(out.data()), "r"(spin)
      : "rcx", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

bool has_avx() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx");
}

void fill(Bank& bank, unsigned seed) {
  for (std::size_t i = 0; i < bank.size(); ++i) bank[i] = static_cast<std::uint8_t>(seed * 131 + i * 7 + 1);
}

// One checker process: rounds until `deadline`; exit status = min(mismatching rounds, 100).
[[noreturn]] void run_checker(int id, std::time_t deadline, bool avx) {
  const std::size_t width = avx ? kYmmBytes : kYmmBytes / 2;
  Bank in{}, out{};
  unsigned long rounds = 0, bad = 0;
  for (unsigned seed = static_cast<unsigned>(id) * 1000003u; std::time(nullptr) < deadline; ++seed) {
    fill(in, seed);
    out.fill(0);
    avx ? hold_ymm(in, out, 200000) : hold_xmm(in, out, 200000);
    ++rounds;
    for (int r = 0; r < kRegisters; ++r) {
      const std::size_t at = static_cast<std::size_t>(r) * kYmmBytes;
      std::size_t i = at;
      while (i < at + width && in[i] == out[i]) ++i;
      if (i == at + width) continue;
      if (bad < kMaxReported)
        std::printf("vector-check: checker %d round %lu: %s%d byte %zu is %#x, was loaded as %#x\n", id, rounds,
                    avx ? "ymm" : "xmm", r, i - at, out[i], in[i]);
      ++bad;
      break;
    }
  }
  std::printf("vector-check: checker %d: %lu rounds, %lu with a changed register\n", id, rounds, bad);
  std::fflush(stdout);
  std::_Exit(bad > 100 ? 100 : static_cast<int>(bad));
}

// Keeps its own values in the registers so that lost state shows up as foreign bytes in a checker.
[[noreturn]] void run_scribbler(std::time_t deadline, bool avx) {
  Bank in{}, out{};
  in.fill(0x5a);
  while (std::time(nullptr) < deadline) avx ? hold_ymm(in, out, 20000) : hold_xmm(in, out, 20000);
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc == 2 ? std::atoi(argv[1]) : 0;
  if (seconds <= 0) {
    std::fprintf(stderr, "usage: runz-vector-check SECONDS\n");
    return 2;
  }
  const bool avx = has_avx();
  const std::time_t deadline = std::time(nullptr) + seconds;
  std::fflush(stdout);
  for (int id = 0; id <= kCheckers; ++id) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("vector-check: fork");
      return 2;
    }
    if (pid == 0) id == kCheckers ? run_scribbler(deadline, avx) : run_checker(id, deadline, avx);
  }
  int failed = 0;
  for (int n = 0; n <= kCheckers; ++n) {
    int status = 0;
    if (wait(&status) < 0) {
      std::perror("vector-check: wait");
      return 2;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  std::printf("vector-check: %s registers, %d checkers: %s\n", avx ? "ymm" : "xmm", kCheckers,
              failed ? "registers changed while their process was descheduled" : "all rounds intact");
  return failed ? 1 : 0;
}
