// System calls that a signal can interrupt, each retried on EINTR in one place.
//
// A build with -DLAMEDUCK_INJECT_EINTR makes every one of them fail with EINTR on its first attempt
// (the robustness tests run the behaviour matrix against that build), which proves that no call site
// treats EINTR as an error. close(2) is not among them: on Linux a close that returns EINTR has
// closed the descriptor, and retrying it could close one that another part opened meanwhile.
#ifndef LAMEDUCK_SYS_H
#define LAMEDUCK_SYS_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

ssize_t sys_read(int fd, void *buffer, size_t size);
/** Writes all of `size` unless an error other than EINTR occurs; returns bytes written or -1. */
ssize_t sys_write_all(int fd, const void *buffer, size_t size);
int sys_open(const char *path, int flags, mode_t mode);
int sys_poll(struct pollfd *fds, nfds_t count, int timeout_ms);
pid_t sys_waitpid(pid_t pid, int *status, int options);
/** waitid(P_ALL, 0, info, options); info->si_pid is 0 when no child has changed state. */
int sys_waitid_any(siginfo_t *info, int options);
int sys_accept(int fd);
ssize_t sys_send(int fd, const void *buffer, size_t size);
ssize_t sys_recv(int fd, void *buffer, size_t size);

#endif
