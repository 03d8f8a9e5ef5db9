// first-byte: runs commands and reports, in milliseconds since just before the first one started, when the
// first byte of output arrived. Built by bench/zone-start/run (static) and run inside dom0.
//
//   first-byte [OPTIONS] pipe -- CMD ARG... [--then CMD ARG...]...
//       The commands run one after the other (the next only if the previous exited 0), all with stdout on
//       one pipe, as a shim hands runz its stdio. "First byte" = the first byte read from that pipe, also
//       after the commands exited (runz create leaves its monitor holding the pipe). Then the pipe is read
//       until EOF or --drain seconds.
//   first-byte [OPTIONS] file PATH -- CMD ARG... [--then CMD ARG...]...
//       "First byte" = PATH (absent or empty at the start) first has a non-zero size, seen through inotify
//       on its directory (e.g. xenconsoled's log of a domain's console).
//
// OPTIONS: --timeout S (commands + first byte, default 300), --drain S (pipe mode, default 60),
//          --stderr-log FILE (the commands' stderr, each line prefixed with "+<ms> "; default: our stderr),
//          --expect-line TEXT (pipe mode: the first line of output must be TEXT, else result "mismatch").
// Report on stdout, one "key value" a line: cmdN_exit_ms, cmdN_status, first_byte_ms, first_bytes_hex (up
// to 16 bytes), first_line (pipe mode, printable ASCII), eof_ms (pipe mode), out_bytes, result
// (ok | failed | timeout | mismatch). Exit status: 0 ok, 1 a command failed or mismatch, 2 timeout, 3 usage
// or system error.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kMaxCommands = 8, kHexBytes = 16, kLineMax = 200 };

static struct timespec g_t0;
static int g_stderr_log = STDERR_FILENO;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - g_t0.tv_sec) * 1e3 + (double)(t.tv_nsec - g_t0.tv_nsec) / 1e6;
}

static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("first-byte: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(3);
}

static void usage(void) {
  die("usage: first-byte [--timeout S] [--drain S] [--stderr-log F] pipe|file PATH -- CMD... [--then CMD...]");
}

// The commands' stderr, split into lines, each stamped with the time its first byte arrived.
static char g_errline[4096];
static size_t g_errlen;
static double g_errline_ms;

static void write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

static void flush_errline(void) {
  if (g_errlen == 0) return;
  char prefix[32];
  int n = snprintf(prefix, sizeof prefix, "+%.1f ", g_errline_ms);
  write_all(g_stderr_log, prefix, (size_t)n);
  write_all(g_stderr_log, g_errline, g_errlen);
  if (g_errline[g_errlen - 1] != '\n') write_all(g_stderr_log, "\n", 1);
  g_errlen = 0;
}

static void on_stderr(const char* p, size_t n, double t) {
  for (size_t i = 0; i < n; ++i) {
    if (g_errlen == 0) g_errline_ms = t;
    g_errline[g_errlen++] = p[i];
    if (p[i] == '\n' || g_errlen == sizeof g_errline) flush_errline();
  }
}

// What the first bytes were, and (pipe mode) the first line of output.
static double g_first_ms = -1;
static unsigned char g_head[kHexBytes];
static size_t g_headlen;
static char g_line[kLineMax + 1];
static size_t g_linelen;
static int g_line_done;
static unsigned long long g_out_bytes;

static void on_stdout(const char* p, size_t n, double t) {
  if (n > 0 && g_first_ms < 0) g_first_ms = t;
  g_out_bytes += n;
  for (size_t i = 0; i < n && g_headlen < kHexBytes; ++i) g_head[g_headlen++] = (unsigned char)p[i];
  for (size_t i = 0; i < n && !g_line_done; ++i) {
    if (p[i] == '\n' || g_linelen == kLineMax) {
      g_line_done = 1;
    } else {
      g_line[g_linelen++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
    }
  }
}

struct Command {
  char** argv;
  double exit_ms;
  int status;  // -1 while not run / running
};

static pid_t spawn(char** argv, int out_fd, int err_fd) {
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    // file mode has no output pipe: the commands' stdout joins their stderr (and stays out of our report)
    if (dup2(out_fd >= 0 ? out_fd : err_fd, STDOUT_FILENO) < 0) _exit(127);
    if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) < 0) _exit(127);
    execvp(argv[0], argv);
    dprintf(STDERR_FILENO, "first-byte: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  return pid;
}

// One read from a pipe into SINK, stamped T; 0 once the pipe is at EOF (or broken).
static int read_into(int fd, void (*sink)(const char*, size_t, double), double t) {
  static char buf[65536];
  ssize_t got = read(fd, buf, sizeof buf);
  if (got > 0) {
    sink(buf, (size_t)got, t);
    return 1;
  }
  return got < 0 && errno == EINTR;
}

static int pidfd_open_(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static int exit_code(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 255;
}

// File mode: has PATH become non-empty? Records the first bytes the first time it has.
static void check_file(const char* path, double t) {
  if (g_first_ms >= 0) return;
  struct stat st;
  if (stat(path, &st) != 0 || st.st_size <= 0) return;
  g_first_ms = t;
  g_out_bytes = (unsigned long long)st.st_size;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, g_head, sizeof g_head);
    g_headlen = n > 0 ? (size_t)n : 0;
    close(fd);
  }
}

int main(int argc, char** argv) {
  double timeout_s = 300, drain_s = 60;
  const char* stderr_log = NULL;
  const char* expect_line = NULL;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0'; i += 2) {
    if (i + 1 >= argc) usage();
    if (strcmp(argv[i], "--timeout") == 0) {
      timeout_s = atof(argv[i + 1]);
    } else if (strcmp(argv[i], "--drain") == 0) {
      drain_s = atof(argv[i + 1]);
    } else if (strcmp(argv[i], "--stderr-log") == 0) {
      stderr_log = argv[i + 1];
    } else if (strcmp(argv[i], "--expect-line") == 0) {
      expect_line = argv[i + 1];
    } else {
      usage();
    }
  }
  if (i >= argc) usage();
  const int file_mode = strcmp(argv[i], "file") == 0;
  if (!file_mode && strcmp(argv[i], "pipe") != 0) usage();
  ++i;
  const char* watch_path = NULL;
  if (file_mode) {
    if (i >= argc) usage();
    watch_path = argv[i++];
  }
  if (i >= argc || strcmp(argv[i], "--") != 0) usage();
  ++i;

  struct Command cmds[kMaxCommands];
  int ncmds = 0;
  while (i < argc) {
    if (ncmds == kMaxCommands) die("at most %d commands", kMaxCommands);
    cmds[ncmds].argv = &argv[i];
    cmds[ncmds].exit_ms = -1;
    cmds[ncmds].status = -1;
    while (i < argc && strcmp(argv[i], "--then") != 0) ++i;
    if (i < argc) argv[i++] = NULL;  // ends this command's argv
    if (cmds[ncmds].argv[0] == NULL) usage();
    ++ncmds;
  }
  if (ncmds == 0) usage();

  if (stderr_log) {
    g_stderr_log = open(stderr_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (g_stderr_log < 0) die("%s: %s", stderr_log, strerror(errno));
  }
  signal(SIGPIPE, SIG_IGN);

  // stdout pipe (pipe mode) or inotify on the watched file's directory (file mode); stderr pipe in both.
  int out_r = -1, out_w = -1, ino = -1, err_r, err_w;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) die("pipe: %s", strerror(errno));
  err_r = p[0];
  err_w = p[1];
  if (file_mode) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", watch_path);
    char* slash = strrchr(dir, '/');
    if (slash == NULL) {
      snprintf(dir, sizeof dir, ".");
    } else if (slash == dir) {
      dir[1] = '\0';
    } else {
      *slash = '\0';
    }
    struct stat st;
    if (stat(watch_path, &st) == 0 && st.st_size > 0) die("%s is not empty before the start", watch_path);
    ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ino < 0) die("inotify_init1: %s", strerror(errno));
    if (inotify_add_watch(ino, dir, IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
      die("inotify_add_watch %s: %s", dir, strerror(errno));
  } else {
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe: %s", strerror(errno));
    out_r = p[0];
    out_w = p[1];
  }

  clock_gettime(CLOCK_MONOTONIC, &g_t0);
  const double deadline = timeout_s * 1e3;
  int current = 0, pidfd = -1, failed = 0, timed_out = 0;
  pid_t pid = -1;
  int out_open = !file_mode, err_open = 1;
  double drain_deadline = -1, eof_ms = -1;
  char buf[65536];

  for (;;) {
    // Start the next command once the previous one exited 0.
    if (pidfd < 0 && current < ncmds && !failed) {
      pid = spawn(cmds[current].argv, out_w, err_w);
      pidfd = pidfd_open_(pid);
      if (pidfd < 0) die("pidfd_open: %s", strerror(errno));
    }
    const int commands_done = pidfd < 0 && (current == ncmds || failed);
    if (commands_done && (out_w >= 0 || err_w >= 0)) {
      // Only the commands' leftovers (runz's monitor) hold the pipes now: EOF means they are gone.
      if (out_w >= 0) close(out_w);
      close(err_w);
      out_w = err_w = -1;
    }
    if (commands_done && failed) break;
    if (commands_done && g_first_ms >= 0) {
      if (file_mode) break;
      if (drain_deadline < 0) drain_deadline = now_ms() + drain_s * 1e3;
      if ((!out_open && !err_open) || now_ms() >= drain_deadline) break;
    }
    if (g_first_ms < 0 && now_ms() >= deadline) {
      timed_out = 1;
      break;
    }
    if (pidfd >= 0 && now_ms() >= deadline) {
      timed_out = 1;
      break;
    }

    struct pollfd fds[4];
    int n = 0, i_out = -1, i_err = -1, i_pid = -1, i_ino = -1;
    if (out_open) { i_out = n; fds[n++] = (struct pollfd){out_r, POLLIN, 0}; }
    if (err_open) { i_err = n; fds[n++] = (struct pollfd){err_r, POLLIN, 0}; }
    if (pidfd >= 0) { i_pid = n; fds[n++] = (struct pollfd){pidfd, POLLIN, 0}; }
    if (ino >= 0 && g_first_ms < 0) { i_ino = n; fds[n++] = (struct pollfd){ino, POLLIN, 0}; }
    double until = g_first_ms < 0 || pidfd >= 0 ? deadline : drain_deadline;
    int wait_ms = (int)(until - now_ms()) + 1;
    if (wait_ms < 0) wait_ms = 0;
    if (n == 0) {  // nothing left to wait on but the clock
      usleep((useconds_t)wait_ms * 1000);
      continue;
    }
    int r = poll(fds, (nfds_t)n, wait_ms);
    if (r < 0 && errno != EINTR) die("poll: %s", strerror(errno));
    const double t = now_ms();
    if (r <= 0) continue;
    if (i_out >= 0 && fds[i_out].revents && !read_into(out_r, on_stdout, t)) {
      out_open = 0;
      eof_ms = t;
    }
    if (i_err >= 0 && fds[i_err].revents && !read_into(err_r, on_stderr, t)) {
      err_open = 0;
      flush_errline();
    }
    if (i_ino >= 0 && fds[i_ino].revents) {
      while (read(ino, buf, sizeof buf) > 0) {
      }
      check_file(watch_path, t);
    }
    if (i_pid >= 0 && fds[i_pid].revents) {
      int ws = 0;
      if (waitpid(pid, &ws, 0) == pid) {
        cmds[current].exit_ms = t;
        cmds[current].status = exit_code(ws);
        if (cmds[current].status != 0) failed = 1;
        ++current;
        close(pidfd);
        pidfd = -1;
        if (file_mode) check_file(watch_path, now_ms());  // a write inotify raced with
      }
    }
  }
  if (pidfd >= 0) {  // timed out with a command still running: stop it (its process group)
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  flush_errline();

  for (int c = 0; c < ncmds; ++c) {
    if (cmds[c].status < 0) continue;
    printf("cmd%d_exit_ms %.1f\ncmd%d_status %d\n", c + 1, cmds[c].exit_ms, c + 1, cmds[c].status);
  }
  if (g_first_ms >= 0) {
    printf("first_byte_ms %.1f\nfirst_bytes_hex ", g_first_ms);
    for (size_t b = 0; b < g_headlen; ++b) printf("%02x", g_head[b]);
    printf("\n");
  }
  if (!file_mode) {
    g_line[g_linelen] = '\0';
    printf("first_line %s\n", g_line);
    if (eof_ms >= 0) printf("eof_ms %.1f\n", eof_ms);
  }
  printf("out_bytes %llu\n", g_out_bytes);
  const int mismatch = !failed && !timed_out && !file_mode && expect_line && strcmp(g_line, expect_line) != 0;
  const char* result = failed ? "failed" : timed_out ? "timeout" : mismatch ? "mismatch" : "ok";
  printf("result %s\n", result);
  return failed || mismatch ? 1 : timed_out ? 2 : 0;
}
