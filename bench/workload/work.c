// work: the measured programs of bench/cpu and bench/io, run the same way in a zone (runz exec) and in a runc
// container (runc exec). Static, so one binary serves dom0, zones and containers. Each mode times its own
// work with CLOCK_MONOTONIC (the exec around it is not counted) and prints "key value" lines:
//   work cpu MIB ROUNDS          hash a generated MIB MiB buffer ROUNDS times (FNV-1a, 64-bit): elapsed_us, digest
//   work write FILE MIB          write MIB MiB to FILE in 1 MiB writes, then fsync: elapsed_us, bytes
//   work read FILE               read FILE to its end in 1 MiB reads: elapsed_us, bytes, digest
//   work tree-write DIR N KIB    make DIR and N files of KIB KiB in it, fsync each: elapsed_us, files, bytes
//   work tree-read DIR           open and read every file in DIR: elapsed_us, files, bytes, digest
// The digests let the runner check that both runtimes did the same work on the same data.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { kChunk = 1 << 20 };

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char* what, const char* path) {
  fprintf(stderr, "work: %s %s: %s\n", what, path ? path : "", strerror(errno));
  exit(1);
}

static unsigned long positive(const char* s, const char* name) {
  char* end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v == 0 || v > (1ul << 20)) {
    fprintf(stderr, "work: %s wants a number from 1 to %lu, not '%s'\n", name, 1ul << 20, s);
    exit(2);
  }
  return v;
}

static uint64_t fnv1a(uint64_t h, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}
static const uint64_t kFnvBasis = 0xcbf29ce484222325ull;

// xorshift64: the same bytes every run, in every runtime
static void fill(unsigned char* p, size_t n, uint64_t seed) {
  uint64_t x = seed ? seed : 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = (unsigned char)x;
  }
}

static unsigned char* chunk_buffer(void) {
  unsigned char* b = malloc(kChunk);
  if (!b) die("malloc", NULL);
  return b;
}

static void write_all(int fd, const unsigned char* p, size_t n, const char* path) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) die("write", path);
    p += w;
    n -= (size_t)w;
  }
}

// read_file: adds the file's bytes to *bytes and its content to *h
static void read_file(const char* path, unsigned char* buf, uint64_t* bytes, uint64_t* h) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open", path);
  for (;;) {
    ssize_t r = read(fd, buf, kChunk);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die("read", path);
    if (r == 0) break;
    *bytes += (uint64_t)r;
    *h = fnv1a(*h, buf, (size_t)r);
  }
  close(fd);
}

static int cmd_cpu(unsigned long mib, unsigned long rounds) {
  size_t n = (size_t)mib << 20;
  unsigned char* p = malloc(n);
  if (!p) die("malloc", NULL);
  fill(p, n, 42);
  uint64_t h = kFnvBasis, t0 = now_us();
  for (unsigned long r = 0; r < rounds; ++r) h = fnv1a(h, p, n);
  uint64_t t1 = now_us();
  printf("elapsed_us %" PRIu64 "\nbytes %zu\ndigest %016" PRIx64 "\n", t1 - t0, n * rounds, h);
  free(p);
  return 0;
}

static int cmd_write(const char* path, unsigned long mib) {
  unsigned char* buf = chunk_buffer();
  fill(buf, kChunk, 7);
  uint64_t t0 = now_us();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) die("open", path);
  for (unsigned long i = 0; i < mib; ++i) {
    buf[0] = (unsigned char)i;  // every MiB differs, so the digest sees order
    write_all(fd, buf, kChunk, path);
  }
  if (fsync(fd) != 0) die("fsync", path);
  if (close(fd) != 0) die("close", path);
  uint64_t t1 = now_us();
  printf("elapsed_us %" PRIu64 "\nbytes %lu\n", t1 - t0, mib << 20);
  free(buf);
  return 0;
}

static int cmd_read(const char* path) {
  unsigned char* buf = chunk_buffer();
  uint64_t bytes = 0, h = kFnvBasis, t0 = now_us();
  read_file(path, buf, &bytes, &h);
  uint64_t t1 = now_us();
  printf("elapsed_us %" PRIu64 "\nbytes %" PRIu64 "\ndigest %016" PRIx64 "\n", t1 - t0, bytes, h);
  free(buf);
  return 0;
}

static int cmd_tree_write(const char* dir, unsigned long files, unsigned long kib) {
  size_t n = (size_t)kib << 10;
  unsigned char* buf = malloc(n);
  if (!buf) die("malloc", NULL);
  fill(buf, n, 9);
  char path[4096];
  uint64_t t0 = now_us();
  if (mkdir(dir, 0755) != 0) die("mkdir", dir);
  for (unsigned long i = 0; i < files; ++i) {
    if (snprintf(path, sizeof path, "%s/f%06lu", dir, i) >= (int)sizeof path) die("path too long", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) die("open", path);
    memcpy(buf, &i, sizeof i);
    write_all(fd, buf, n, path);
    if (fsync(fd) != 0) die("fsync", path);
    if (close(fd) != 0) die("close", path);
  }
  uint64_t t1 = now_us();
  printf("elapsed_us %" PRIu64 "\nfiles %lu\nbytes %lu\n", t1 - t0, files, files * (unsigned long)n);
  free(buf);
  return 0;
}

static int by_name(const struct dirent** a, const struct dirent** b) { return strcmp((*a)->d_name, (*b)->d_name); }
static int regular_name(const struct dirent* d) { return d->d_name[0] != '.'; }

static int cmd_tree_read(const char* dir) {
  unsigned char* buf = chunk_buffer();
  char path[4096];
  uint64_t bytes = 0, h = kFnvBasis, t0 = now_us();
  struct dirent** names = NULL;
  int count = scandir(dir, &names, regular_name, by_name);  // sorted: the digest does not depend on readdir order
  if (count < 0) die("scandir", dir);
  for (int i = 0; i < count; ++i) {
    if (snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name) >= (int)sizeof path) die("path too long", dir);
    read_file(path, buf, &bytes, &h);
    free(names[i]);
  }
  free(names);
  uint64_t t1 = now_us();
  printf("elapsed_us %" PRIu64 "\nfiles %d\nbytes %" PRIu64 "\ndigest %016" PRIx64 "\n", t1 - t0, count, bytes, h);
  free(buf);
  return 0;
}

int main(int argc, char** argv) {
  const char* usage =
      "usage: work cpu MIB ROUNDS | write FILE MIB | read FILE | tree-write DIR N KIB | tree-read DIR\n";
  if (argc < 3) {
    fputs(usage, stderr);
    return 2;
  }
  const char* mode = argv[1];
  if (strcmp(mode, "cpu") == 0 && argc == 4) return cmd_cpu(positive(argv[2], "MIB"), positive(argv[3], "ROUNDS"));
  if (strcmp(mode, "write") == 0 && argc == 4) return cmd_write(argv[2], positive(argv[3], "MIB"));
  if (strcmp(mode, "read") == 0 && argc == 3) return cmd_read(argv[2]);
  if (strcmp(mode, "tree-write") == 0 && argc == 5)
    return cmd_tree_write(argv[2], positive(argv[3], "N"), positive(argv[4], "KIB"));
  if (strcmp(mode, "tree-read") == 0 && argc == 3) return cmd_tree_read(argv[2]);
  fputs(usage, stderr);
  return 2;
}
