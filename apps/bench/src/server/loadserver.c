/*
 * The plain-TCP half of the load server: echo, source, sink and hold, on one
 * epoll loop with no per-byte work beyond the syscalls. It exists because a
 * Node server near 100 % of a core capped the fastest native candidates
 * (Deno's and Bun's downloads and churn): this one costs a fraction of that.
 * The TLS services stay in src/server.ts (node:tls).
 *
 * Usage: loadserver            prints {"echo":P,"source":P,"sink":P,"hold":P}
 * and serves until its stdin reaches EOF (the CLI holds the other end);
 * `loadserver download|upload <port> <bytes>` is the ceiling client, and
 * `loadserver accept|echo <port> <n>` the client of the server rows (below).
 * Built by the CLI with `cc -O2`; without a C compiler the Node server serves
 * every service instead.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum service { ECHO, SOURCE, SINK, HOLD, SERVICES };

#define BLOCK (1 << 20)
static char block[BLOCK];   /* what downloads send: never touched after start */
static char scratch[1 << 16]; /* what reads land in */
/*
 * Downloads are plain send()s of `block`. sendfile() from a memfd was tried:
 * on loopback it cost the server more (1.1 GB/s at 96 % CPU against 4 GB/s
 * at 95 % with send()). At 4 GB/s a send() loop is the kernel's own loopback
 * cost, one core: that is the ceiling of any single-connection server here.
 */

struct conn {
  int fd;
  enum service service;
  /* source: request line so far, then bytes left to send */
  char line[32];
  size_t line_len;
  uint64_t remaining;
  int sending;
  /* sink: bytes received; echo: bytes read but not yet written back */
  uint64_t count;
  char *pending;
  size_t pending_len;
  size_t pending_off;
};

static int epfd;

static void watch(struct conn *c, uint32_t events, int op) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  epoll_ctl(epfd, op, c->fd, &ev);
}

static void drop(struct conn *c) {
  close(c->fd);
  free(c->pending);
  free(c);
}

/* Source: send until done or the socket is full. Returns 0 when finished. */
static int pump(struct conn *c) {
  while (c->remaining > 0) {
    size_t n = c->remaining < BLOCK ? (size_t)c->remaining : BLOCK;
    ssize_t w = send(c->fd, block, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
      if (errno == EINTR) continue;
      return -1;
    }
    c->remaining -= (uint64_t)w;
  }
  shutdown(c->fd, SHUT_WR);
  return 0;
}

/* Echo: write back what is pending. Returns 1 while some is left. */
static int flush_echo(struct conn *c) {
  while (c->pending_off < c->pending_len) {
    ssize_t w = send(c->fd, c->pending + c->pending_off, c->pending_len - c->pending_off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
      if (errno == EINTR) continue;
      return -1;
    }
    c->pending_off += (size_t)w;
  }
  c->pending_len = c->pending_off = 0;
  return 0;
}

static void readable(struct conn *c) {
  for (;;) {
    if (c->service == ECHO && c->pending_len > 0) return; /* wait for EPOLLOUT first */
    ssize_t r = recv(c->fd, scratch, sizeof scratch, 0);
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      drop(c);
      return;
    }
    if (r == 0) { /* the client's FIN */
      if (c->service == SINK) {
        char reply[32];
        int n = snprintf(reply, sizeof reply, "%llu\n", (unsigned long long)c->count);
        send(c->fd, reply, (size_t)n, MSG_NOSIGNAL);
      }
      drop(c);
      return;
    }
    switch (c->service) {
      case SINK:
      case HOLD:
        c->count += (uint64_t)r;
        break;
      case ECHO: {
        ssize_t w = send(c->fd, scratch, (size_t)r, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
          drop(c);
          return;
        }
        if (w < 0) w = 0;
        if (w < r) {
          c->pending = realloc(c->pending, (size_t)(r - w));
          memcpy(c->pending, scratch + w, (size_t)(r - w));
          c->pending_len = (size_t)(r - w);
          c->pending_off = 0;
          watch(c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
          return;
        }
        break;
      }
      case SOURCE:
        if (c->sending) break; /* nothing more is expected from the client */
        for (ssize_t i = 0; i < r; i++) {
          if (scratch[i] == '\n') {
            c->line[c->line_len] = 0;
            c->remaining = strtoull(c->line, NULL, 10);
            c->sending = 1;
            int done = pump(c);
            if (done < 0) {
              drop(c);
              return;
            }
            if (done > 0) watch(c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
            break;
          }
          if (c->line_len + 1 < sizeof c->line) c->line[c->line_len++] = scratch[i];
        }
        break;
      default:
        break;
    }
  }
}

static void writable(struct conn *c) {
  int state = c->service == SOURCE ? pump(c) : flush_echo(c);
  if (state < 0) {
    drop(c);
    return;
  }
  if (state == 0) {
    watch(c, EPOLLIN, EPOLL_CTL_MOD);
    if (c->service == ECHO) readable(c);
  }
}

/*
 * The ceiling: the same code as a client that does nothing but move bytes
 * (recv into one static buffer, send from `block`), to show what the server
 * delivers and absorbs. Prints MB/s (10^6 bytes per second).
 *   loadserver download <source port> <bytes>
 *   loadserver upload <sink port> <bytes>
 */
/*
 * Clients for the server rows (apps/bench/src/serve-bench): they load a
 * server written with serve() or a runtime's native listener.
 *   loadserver accept <port> <count>: sequential connect → read the server's
 *     one-byte greeting (the handler ran) → close; prints connections/s.
 *   loadserver echo <port> <bytes>: one connection, sends `bytes` and reads
 *     them back, both ways at once (poll); prints MB/s of echoed bytes.
 */
static int dial(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static double since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int accept_client(int port, uint64_t count) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (uint64_t i = 0; i < count; i++) {
    int fd = dial(port);
    if (fd < 0) {
      perror("loadserver: connect");
      return 1;
    }
    char greeting;
    if (recv(fd, &greeting, 1, 0) != 1) {
      fprintf(stderr, "loadserver: no greeting on connection %llu\n", (unsigned long long)i);
      close(fd);
      return 1;
    }
    close(fd);
  }
  printf("%.1f\n", (double)count / since(&t0));
  return 0;
}

static int echo_client(int port, uint64_t bytes) {
  static char big[BLOCK];
  int fd = dial(port);
  if (fd < 0) {
    perror("loadserver: connect");
    return 1;
  }
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uint64_t sent = 0, received = 0;
  while (received < bytes) {
    struct pollfd p = {.fd = fd, .events = POLLIN | (sent < bytes ? POLLOUT : 0)};
    if (poll(&p, 1, 30000) <= 0) {
      fprintf(stderr, "loadserver: echo stalled at %llu of %llu bytes\n",
              (unsigned long long)received, (unsigned long long)bytes);
      return 1;
    }
    if ((p.revents & POLLOUT) && sent < bytes) {
      size_t n = bytes - sent < (1 << 16) ? (size_t)(bytes - sent) : (1 << 16);
      ssize_t w = send(fd, block, n, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) sent += (uint64_t)w;
      else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return 1;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = recv(fd, big, sizeof big, MSG_DONTWAIT);
      if (r == 0) break;
      if (r > 0) received += (uint64_t)r;
      else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return 1;
    }
  }
  double seconds = since(&t0);
  close(fd);
  if (received < bytes) {
    fprintf(stderr, "loadserver: echoed %llu of %llu bytes\n", (unsigned long long)received,
            (unsigned long long)bytes);
    return 1;
  }
  printf("%.1f\n", (double)bytes / 1e6 / seconds);
  return 0;
}

static int client(const char *mode, int port, uint64_t bytes) {
  static char big[BLOCK];
  if (strcmp(mode, "accept") == 0) return accept_client(port, bytes);
  if (strcmp(mode, "echo") == 0) return echo_client(port, bytes);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("loadserver: connect");
    return 1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uint64_t moved = 0;
  if (strcmp(mode, "download") == 0) {
    char request[32];
    int n = snprintf(request, sizeof request, "%llu\n", (unsigned long long)bytes);
    send(fd, request, (size_t)n, MSG_NOSIGNAL);
    while (moved < bytes) {
      ssize_t r = recv(fd, big, sizeof big, 0);
      if (r <= 0) break;
      moved += (uint64_t)r;
    }
  } else {
    while (moved < bytes) {
      size_t n = bytes - moved < BLOCK ? (size_t)(bytes - moved) : BLOCK;
      ssize_t w = send(fd, block, n, MSG_NOSIGNAL);
      if (w <= 0) break;
      moved += (uint64_t)w;
    }
    shutdown(fd, SHUT_WR);
    while (recv(fd, big, sizeof big, 0) > 0) {
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  close(fd);
  if (moved < bytes) {
    fprintf(stderr, "loadserver: moved %llu of %llu bytes\n", (unsigned long long)moved,
            (unsigned long long)bytes);
    return 1;
  }
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%.1f\n", (double)bytes / 1e6 / seconds);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  memset(block, 0x5a, sizeof block);
  if (argc == 4) return client(argv[1], atoi(argv[2]), strtoull(argv[3], NULL, 10));
  epfd = epoll_create1(0);
  int listeners[SERVICES];
  int ports[SERVICES];
  for (int s = 0; s < SERVICES; s++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 4096) != 0) {
      perror("loadserver: listen");
      return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    ports[s] = ntohs(addr.sin_port);
    listeners[s] = fd;
    /* data.u64 < SERVICES marks a listener; connections carry a pointer. */
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)s};
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
  }
  struct epoll_event stdin_ev = {.events = EPOLLIN, .data.u64 = SERVICES};
  epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &stdin_ev);
  printf("{\"echo\":%d,\"source\":%d,\"sink\":%d,\"hold\":%d}\n", ports[ECHO], ports[SOURCE], ports[SINK],
         ports[HOLD]);
  fflush(stdout);

  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(epfd, events, 256, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    for (int i = 0; i < n; i++) {
      uint64_t tag = events[i].data.u64;
      if (tag == SERVICES) { /* stdin: exit at EOF, ignore anything else */
        char b[64];
        if (read(0, b, sizeof b) <= 0) return 0;
        continue;
      }
      if (tag < SERVICES) {
        for (;;) {
          int fd = accept4(listeners[tag], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd < 0) break;
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *c = calloc(1, sizeof *c);
          c->fd = fd;
          c->service = (enum service)tag;
          watch(c, EPOLLIN, EPOLL_CTL_ADD);
        }
        continue;
      }
      struct conn *c = events[i].data.ptr;
      if (events[i].events & EPOLLOUT) {
        writable(c);
        continue; /* a readable event on the same conn comes back next round */
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) readable(c);
    }
  }
}
