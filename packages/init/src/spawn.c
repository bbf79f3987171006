#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "signals.h"
#include "sys.h"

extern char **environ;

/**
 * execvp without its fallback of running a file without a #! line through /bin/sh (libuv has none
 * either): try each PATH entry; remember EACCES, keep looking on ENOENT/ENOTDIR, stop on anything
 * else. Returns only on failure, with errno set.
 */
static void exec_path(char *const argv[]) {
  const char *file = argv[0];
  if (strchr(file, '/') != NULL) {
    execve(file, argv, environ);
    return;
  }
  const char *path = getenv("PATH");
  if (path == NULL) path = "/usr/local/bin:/bin:/usr/bin";
  size_t file_length = strlen(file);
  int error = ENOENT;
  for (const char *at = path;; at++) {
    const char *end = strchrnul(at, ':');
    size_t dir_length = (size_t)(end - at);
    char full[4096];
    if (dir_length + file_length + 2 <= sizeof full) {
      if (dir_length == 0) {
        memcpy(full, file, file_length + 1); // An empty entry is the working directory.
      } else {
        memcpy(full, at, dir_length);
        full[dir_length] = '/';
        memcpy(full + dir_length + 1, file, file_length + 1);
      }
      execve(full, argv, environ);
      if (errno == EACCES) error = EACCES;
      else if (errno != ENOENT && errno != ENOTDIR) return;
    }
    if (*end == '\0') break;
    at = end;
  }
  errno = error;
}

/** The app's fds 0, 1, 2 are the init's; CLOEXEC on everything else the init opened. */
static void child(char *const command[], int report) {
  signals_reset_for_child();
  setsid();
  exec_path(command);
  int error = errno;
  (void)sys_write_all(report, &error, sizeof error);
  _exit(127);
}

static int spawn_failure(const char *command, int error) {
  if (error == ENOENT) {
    warn("%s: %s", command, strchr(command, '/') ? "no such file" : "command not found");
    return 127;
  }
  if (error == EACCES) {
    warn("%s: cannot execute (permission denied)", command);
  } else if (error == EISDIR || error == ENOEXEC) {
    warn("%s: cannot execute (%s)", command, errno_name(error));
  } else {
    warn("%s: %s", command, strerror(error));
  }
  return 126;
}

pid_t spawn_app(char *const command[], int *exit_code) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    warn("%s: %s", command[0], strerror(errno));
    *exit_code = 126;
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0) child(command, report[1]);
  close(report[1]);
  if (pid < 0) {
    int error = errno;
    close(report[0]);
    *exit_code = spawn_failure(command[0], error);
    return -1;
  }
  int error = 0;
  ssize_t got = sys_read(report[0], &error, sizeof error);
  close(report[0]);
  if (got != (ssize_t)sizeof error) return pid; // The pipe closed on exec: the app runs.
  int status;
  sys_waitpid(pid, &status, 0);
  *exit_code = spawn_failure(command[0], error);
  return -1;
}
