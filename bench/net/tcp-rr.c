// tcp-rr: TCP request/response latency for bench/net, built static by bench/net/run (the same binary runs in
// dom0, in the zone and in the runc container).
//
//   tcp-rr serve PORT                       echo server: accepts connections one after another and sends
//                                           back every byte it reads (TCP_NODELAY), forever
//   tcp-rr client ADDR PORT COUNT [SIZE]    one connection; 10 untimed round trips, then COUNT timed ones,
//                                           each: write SIZE bytes (default 1), read SIZE bytes back
//
// client prints "key value" lines: count, size, min_us, p10_us, median_us, p90_us, max_us, mean_us (the
// round trips' microseconds, CLOCK_MONOTONIC). Exit status 0, or 1 with a message on stderr (connect,
// short read, the 60 s connect / per-round-trip limit).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { WARMUP = 10, MAX_SIZE = 65536, IO_TIMEOUT_MS = 60000 };

static int die(const char *what) {
  fprintf(stderr, "tcp-rr: %s: %s\n", what, strerror(errno));
  return 1;
}

static void nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int serve(int port) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0) return die("socket");
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0) return die("bind");
  if (listen(l, 16) < 0) return die("listen");
  static char buf[MAX_SIZE];
  for (;;) {
    int c = accept(l, NULL, NULL);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return die("accept");
    }
    nodelay(c);
    for (;;) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      ssize_t off = 0;
      while (off < n) {
        ssize_t w = write(c, buf + off, (size_t)(n - off));
        if (w <= 0) break;
        off += w;
      }
      if (off < n) break;
    }
    close(c);
  }
}

// wait until fd is ready for events, at most IO_TIMEOUT_MS
static int ready(int fd, short events) {
  struct pollfd p = {.fd = fd, .events = events};
  int r;
  do r = poll(&p, 1, IO_TIMEOUT_MS); while (r < 0 && errno == EINTR);
  if (r == 0) errno = ETIMEDOUT;
  return r > 0;
}

static int xfer(int fd, char *buf, size_t size, int writing) {
  size_t off = 0;
  while (off < size) {
    if (!ready(fd, writing ? POLLOUT : POLLIN)) return -1;
    ssize_t n = writing ? write(fd, buf + off, size - off) : read(fd, buf + off, size - off);
    if (n == 0) errno = ECONNRESET;
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return -1;
    }
    off += (size_t)n;
  }
  return 0;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(const double *v, long n, double p) { return v[(long)(p * (double)(n - 1) + 0.5)]; }

static int client(const char *addr, int port, long count, long size) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
    fprintf(stderr, "tcp-rr: not an IPv4 address: %s\n", addr);
    return 1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return die("socket");
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    if (errno != EINPROGRESS) return die("connect");
    int err = 0;
    socklen_t len = sizeof err;
    if (!ready(fd, POLLOUT)) return die("connect");
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
      errno = err;
      return die("connect");
    }
  }
  nodelay(fd);
  char *out = malloc((size_t)size), *in = malloc((size_t)size);
  double *us = malloc(sizeof(double) * (size_t)count);
  if (!out || !in || !us) return die("malloc");
  memset(out, 'r', (size_t)size);
  for (long i = -WARMUP; i < count; i++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (xfer(fd, out, (size_t)size, 1) < 0) return die("write");
    if (xfer(fd, in, (size_t)size, 0) < 0) return die("read");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (memcmp(in, out, (size_t)size) != 0) {
      fprintf(stderr, "tcp-rr: the echo differs from what was sent\n");
      return 1;
    }
    if (i >= 0) us[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
  }
  close(fd);
  double sum = 0;
  for (long i = 0; i < count; i++) sum += us[i];
  qsort(us, (size_t)count, sizeof *us, cmp);
  printf("count %ld\nsize %ld\nmin_us %.1f\np10_us %.1f\nmedian_us %.1f\np90_us %.1f\nmax_us %.1f\nmean_us %.1f\n",
         count, size, us[0], pct(us, count, 0.1), pct(us, count, 0.5), pct(us, count, 0.9), us[count - 1],
         sum / (double)count);
  return 0;
}

static long number(const char *s, long lo, long hi) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
    fprintf(stderr, "tcp-rr: %s: want a number from %ld to %ld\n", s, lo, hi);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc == 3 && strcmp(argv[1], "serve") == 0) return serve((int)number(argv[2], 1, 65535));
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "client") == 0)
    return client(argv[2], (int)number(argv[3], 1, 65535), number(argv[4], 1, 10000000),
                  argc == 6 ? number(argv[5], 1, MAX_SIZE) : 1);
  fprintf(stderr, "usage: tcp-rr serve PORT | tcp-rr client ADDR PORT COUNT [SIZE]\n");
  return 2;
}
