#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef LAMEDUCK_INJECT_EINTR
// Every wrapped call fails once with EINTR before it is really made.
#define INTERRUPT_FIRST()                                                                          \
  int interrupted_once = 0;                                                                        \
  do {                                                                                             \
  } while (0)
#define MAYBE_INTERRUPT()                                                                          \
  if (!interrupted_once) {                                                                         \
    interrupted_once = 1;                                                                          \
    errno = EINTR;                                                                                 \
    result = -1;                                                                                   \
  } else
#else
#define INTERRUPT_FIRST()                                                                          \
  do {                                                                                             \
  } while (0)
#define MAYBE_INTERRUPT()
#endif

// RETRY(result, call): makes `call` until it does not fail with EINTR.
#define RETRY(result, call)                                                                        \
  INTERRUPT_FIRST();                                                                               \
  do {                                                                                             \
    MAYBE_INTERRUPT() result = (call);                                                             \
  } while (result == -1 && errno == EINTR)

ssize_t sys_read(int fd, void *buffer, size_t size) {
  ssize_t result;
  RETRY(result, read(fd, buffer, size));
  return result;
}

ssize_t sys_write_all(int fd, const void *buffer, size_t size) {
  const char *at = buffer;
  size_t left = size;
  while (left > 0) {
    ssize_t result;
    RETRY(result, write(fd, at, left));
    if (result < 0) return -1;
    at += result;
    left -= (size_t)result;
  }
  return (ssize_t)size;
}

int sys_open(const char *path, int flags, mode_t mode) {
  int result;
  RETRY(result, open(path, flags | O_CLOEXEC, mode));
  return result;
}

int sys_poll(struct pollfd *fds, nfds_t count, int timeout_ms) {
  int result;
  RETRY(result, poll(fds, count, timeout_ms));
  return result;
}

pid_t sys_waitpid(pid_t pid, int *status, int options) {
  pid_t result;
  RETRY(result, waitpid(pid, status, options));
  return result;
}

int sys_waitid_any(siginfo_t *info, int options) {
  int result;
  info->si_pid = 0;
  RETRY(result, waitid(P_ALL, 0, info, options));
  return result;
}

int sys_accept(int fd) {
  int result;
  RETRY(result, accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
  return result;
}

ssize_t sys_send(int fd, const void *buffer, size_t size) {
  ssize_t result;
  RETRY(result, send(fd, buffer, size, MSG_NOSIGNAL));
  return result;
}

ssize_t sys_recv(int fd, void *buffer, size_t size) {
  ssize_t result;
  RETRY(result, recv(fd, buffer, size, 0));
  return result;
}
