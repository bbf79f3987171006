#include "readiness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"

#define IDLE_MS 5000

static int listen_on(const struct sockaddr *address, socklen_t length, bool dual_stack) {
  int fd = socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int on = 1, off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (dual_stack) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  if (bind(fd, address, length) != 0 || listen(fd, 64) != 0) {
    int error = errno;
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

/** All interfaces: [::] dual-stack as Node does, 0.0.0.0 where the kernel has no IPv6. */
static int listen_everywhere(int port) {
  struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
                              .sin6_addr = IN6ADDR_ANY_INIT};
  int fd = listen_on((struct sockaddr *)&any6, sizeof any6, true);
  if (fd >= 0 || (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL)) return fd;
  struct sockaddr_in any4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr = {.s_addr = htonl(INADDR_ANY)}};
  return listen_on((struct sockaddr *)&any4, sizeof any4, false);
}

/**
 * A numeric IPv4 or IPv6 address (`[::1]` too), or `localhost` (127.0.0.1). Names are not resolved: a
 * static init carries no resolver configuration, and a probe address is an address. -2 when `host`
 * is none of these (said as ENOTFOUND, as Node says for a name it cannot resolve).
 */
static int listen_host(const char *host, int port) {
  char text[64];
  size_t length = strlen(host);
  if (length >= 2 && host[0] == '[' && host[length - 1] == ']' && length - 2 < sizeof text) {
    memcpy(text, host + 1, length - 2);
    text[length - 2] = '\0';
  } else if (length < sizeof text) {
    memcpy(text, host, length + 1);
  } else {
    return -2;
  }
  if (strcmp(text, "localhost") == 0) strcpy(text, "127.0.0.1");
  struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
    return listen_on((struct sockaddr *)&v4, sizeof v4, false);
  }
  struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
    // `::` alone means every interface, IPv4 included, as Node listens on it.
    bool any = IN6_IS_ADDR_UNSPECIFIED(&v6.sin6_addr);
    return listen_on((struct sockaddr *)&v6, sizeof v6, any);
  }
  return -2;
}

static int bound_port(int fd) {
  struct sockaddr_storage address;
  socklen_t length = sizeof address;
  if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
  if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
  return ntohs(((struct sockaddr_in *)&address)->sin_port);
}

/** Symbolic-link hops followed before the path counts as a loop (as the Node CLI does). */
#define MAX_LINKS 40

/** `-`, /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: an open stream, never a ready file. */
static bool is_stream_path(const char *path) {
  if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0 ||
      strcmp(path, "/dev/stderr") == 0) {
    return true;
  }
  const char *rest = NULL;
  if (strncmp(path, "/dev/fd/", 8) == 0) rest = path + 8;
  else if (strncmp(path, "/proc/self/fd/", 14) == 0) rest = path + 14;
  if (rest == NULL || *rest == '\0') return false;
  for (; *rest; rest++) {
    if (*rest < '0' || *rest > '9') return false;
  }
  return true;
}

/** The folder part of `path` ("." when it has none), into `out`. */
static void folder_of(const char *path, char *out, size_t size) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL) snprintf(out, size, ".");
  else if (slash == path) snprintf(out, size, "/");
  else snprintf(out, size, "%.*s", (int)(slash - path), path);
}

static int refuse(const char *given, const char *what) {
  warn("--ready-file expects the path of a regular file (it is removed when SIGTERM arrives), got "
       "\"%s\", which is %s",
       given, what);
  return 2;
}

/**
 * Follows `given` through its symbolic links into `out` and checks that it can be a ready file.
 * Returns 0, or 2 after saying why.
 */
static int resolve_ready_file(const char *given, char *out, size_t size) {
  if (given[0] == '\0') {
    warn("cannot write --ready-file \"\": expected a file path");
    return 2;
  }
  if (snprintf(out, size, "%s", given) >= (int)size) {
    warn("cannot write --ready-file \"%s\": the path is too long", given);
    return 2;
  }
  for (int hops = 0;; hops++) {
    if (is_stream_path(out)) return refuse(given, "standard output or another open stream");
    if (hops > MAX_LINKS) {
      warn("cannot write --ready-file \"%s\": too many symbolic links (a loop?)", given);
      return 2;
    }
    struct stat info;
    if (lstat(out, &info) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) {
        warn("cannot write --ready-file \"%s\": %s", given, strerror(errno));
        return 2;
      }
      break; // a new file
    }
    if (S_ISLNK(info.st_mode)) {
      char target[4096];
      ssize_t length = readlink(out, target, sizeof target - 1);
      if (length < 0) {
        warn("cannot write --ready-file \"%s\": %s", given, strerror(errno));
        return 2;
      }
      target[length] = '\0';
      char next[4096];
      int written;
      if (target[0] == '/') {
        written = snprintf(next, sizeof next, "%s", target);
      } else {
        char folder[4096];
        folder_of(out, folder, sizeof folder);
        written = snprintf(next, sizeof next, "%s/%s", folder, target);
      }
      if (written < 0 || (size_t)written >= size) {
        warn("cannot write --ready-file \"%s\": the path is too long", given);
        return 2;
      }
      memcpy(out, next, (size_t)written + 1);
      continue;
    }
    if (S_ISDIR(info.st_mode)) {
      warn("cannot write --ready-file \"%s\": %s is a folder", given, out);
      return 2;
    }
    if (!S_ISREG(info.st_mode)) return refuse(given, "a device, FIFO or socket");
    break;
  }
  char folder[4096];
  folder_of(out, folder, sizeof folder);
  struct stat info;
  if (stat(folder, &info) != 0) {
    if (errno == ENOENT) warn("cannot write --ready-file \"%s\": the folder %s does not exist", given, folder);
    else warn("cannot write --ready-file \"%s\": the folder %s: %s", given, folder, strerror(errno));
    return 2;
  }
  if (!S_ISDIR(info.st_mode)) {
    warn("cannot write --ready-file \"%s\": %s is not a folder", given, folder);
    return 2;
  }
  return 0;
}

/**
 * Writes `ready` atomically: a temporary file in the file's own folder, then a rename over it.
 * Returns 0, 2 when the folder takes no new file, 1 when a later step failed.
 */
static int write_file(const char *given, const char *file) {
  char temp[4096];
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int written = snprintf(temp, sizeof temp, "%s.%d%09ld.tmp", file, (int)getpid(), now.tv_nsec);
  if (written < 0 || (size_t)written >= sizeof temp) {
    warn("cannot write --ready-file \"%s\": the path is too long", given);
    return 2;
  }
  int fd = sys_open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    char folder[4096];
    folder_of(file, folder, sizeof folder);
    warn("cannot write --ready-file \"%s\": the folder %s does not take new files (%s)", given,
         folder, strerror(errno));
    return 2;
  }
  bool ok = sys_write_all(fd, "ready\n", 6) == 6;
  int error = errno;
  if (ok && fsync(fd) != 0) ok = false, error = errno;
  if (close(fd) != 0 && ok) ok = false, error = errno;
  if (ok && rename(temp, file) != 0) ok = false, error = errno;
  if (!ok) {
    unlink(temp);
    warn("cannot write --ready-file \"%s\": %s", given, strerror(error));
    return 1;
  }
  return 0;
}

int readiness_start(struct readiness *readiness, const char *file, int port, const char *host) {
  *readiness = (struct readiness){.ready = true, .file = NULL, .listener = -1, .port = -1};
  for (size_t i = 0; i < READINESS_MAX_CONNECTIONS; i++) readiness->connections[i].fd = -1;
  // The file's checks come first: a path that can never be a ready file is a usage error (2).
  if (file != NULL) {
    int code = resolve_ready_file(file, readiness->file_path, sizeof readiness->file_path);
    if (code != 0) return code;
  }
  if (port >= 0) {
    int fd = host ? listen_host(host, port) : listen_everywhere(port);
    if (fd < 0) {
      warn("--ready-port %d cannot listen: %s", port, fd == -2 ? "ENOTFOUND" : errno_name(errno));
      return 1;
    }
    readiness->listener = fd;
    readiness->port = bound_port(fd);
  }
  if (file != NULL) {
    int code = write_file(file, readiness->file_path);
    if (code != 0) {
      readiness_close(readiness);
      return code;
    }
    readiness->file = readiness->file_path;
  }
  return 0;
}

void readiness_drain(struct readiness *readiness) {
  readiness->ready = false;
  if (readiness->file != NULL) {
    if (unlink(readiness->file) != 0 && errno != ENOENT) {
      warn("--ready-file could not be removed: %s: %s", readiness->file, strerror(errno));
    }
  }
}

size_t readiness_poll_fds(const struct readiness *readiness, struct pollfd *fds) {
  size_t count = 0;
  if (readiness->listener >= 0) fds[count++] = (struct pollfd){readiness->listener, POLLIN, 0};
  for (size_t i = 0; i < READINESS_MAX_CONNECTIONS; i++) {
    int fd = readiness->connections[i].fd;
    if (fd >= 0) fds[count++] = (struct pollfd){fd, POLLIN, 0};
  }
  return count;
}

static void drop(struct readiness_connection *connection) {
  close(connection->fd);
  connection->fd = -1;
}

static void answer(const struct readiness *readiness, struct readiness_connection *connection) {
  bool head = strncmp(connection->request, "HEAD ", 5) == 0;
  const char *status = readiness->ready ? "200 OK" : "503 Service Unavailable";
  const char *body = readiness->ready ? "ready\n" : "draining\n";
  char response[256];
  int length = snprintf(response, sizeof response,
                        "HTTP/1.1 %s\r\ncontent-type: text/plain\r\nconnection: close\r\n"
                        "content-length: %zu\r\n\r\n%s",
                        status, strlen(body), head ? "" : body);
  // A few hundred bytes fit in any socket buffer; a client that cannot take them is dropped.
  (void)sys_send(connection->fd, response, (size_t)length);
  drop(connection);
}

static void accept_one(struct readiness *readiness, int listener, long long now) {
  int fd = sys_accept(listener);
  if (fd < 0) return;
  struct readiness_connection *slot = NULL, *oldest = NULL;
  for (size_t i = 0; i < READINESS_MAX_CONNECTIONS && slot == NULL; i++) {
    struct readiness_connection *c = &readiness->connections[i];
    if (c->fd < 0) slot = c;
    else if (oldest == NULL || c->since < oldest->since) oldest = c;
  }
  if (slot == NULL) { // Full: the client that waited longest without a request makes room.
    drop(oldest);
    slot = oldest;
  }
  slot->fd = fd;
  slot->since = now;
  slot->length = 0;
}

static void read_request(struct readiness *readiness, struct readiness_connection *connection) {
  size_t room = sizeof connection->request - 1 - connection->length;
  ssize_t got = sys_recv(connection->fd, connection->request + connection->length, room);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (got <= 0) {
    drop(connection);
    return;
  }
  connection->length += (size_t)got;
  connection->request[connection->length] = '\0';
  // Answer once the headers are complete, or when they do not fit: the path is never looked at.
  if (strstr(connection->request, "\r\n\r\n") || strstr(connection->request, "\n\n") ||
      connection->length == sizeof connection->request - 1) {
    answer(readiness, connection);
  }
}

void readiness_handle(struct readiness *readiness, const struct pollfd *fds, size_t count,
                      long long now) {
  for (size_t i = 0; i < count; i++) {
    if (fds[i].revents == 0) continue;
    if (fds[i].fd == readiness->listener) {
      accept_one(readiness, fds[i].fd, now);
      continue;
    }
    for (size_t c = 0; c < READINESS_MAX_CONNECTIONS; c++) {
      if (readiness->connections[c].fd == fds[i].fd) {
        read_request(readiness, &readiness->connections[c]);
        break;
      }
    }
  }
  for (size_t c = 0; c < READINESS_MAX_CONNECTIONS; c++) {
    struct readiness_connection *connection = &readiness->connections[c];
    if (connection->fd >= 0 && now - connection->since >= IDLE_MS) drop(connection);
  }
}

long long readiness_next_timeout(const struct readiness *readiness, long long now) {
  long long next = -1;
  for (size_t c = 0; c < READINESS_MAX_CONNECTIONS; c++) {
    const struct readiness_connection *connection = &readiness->connections[c];
    if (connection->fd < 0) continue;
    long long left = connection->since + IDLE_MS - now;
    if (left < 0) left = 0;
    if (next < 0 || left < next) next = left;
  }
  return next;
}

void readiness_close(struct readiness *readiness) {
  readiness_drain(readiness);
  if (readiness->listener >= 0) close(readiness->listener);
  readiness->listener = -1;
  for (size_t c = 0; c < READINESS_MAX_CONNECTIONS; c++) {
    if (readiness->connections[c].fd >= 0) drop(&readiness->connections[c]);
  }
  readiness->file = NULL;
}
