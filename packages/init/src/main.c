// lameduck-init: a static native PID 1 with the behaviour and the flags of `lameduck run`, for images
// without Node. The process edge: fds 0-2, the command line, the child subreaper, the exit code.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"

#ifndef LAMEDUCK_VERSION
#define LAMEDUCK_VERSION "0.0.0-dev"
#endif
#include "log.h"
#include "supervisor.h"
#include "sys.h"

/**
 * An init started with a closed stdin, stdout or stderr would hand that number to the first thing it
 * opens (the signalfd, a socket) and the app would inherit it as its stdio. /dev/null fills the gap.
 */
static void ensure_stdio(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0 && null != fd) {
      dup2(null, fd);
      close(null);
    }
  }
}

int main(int argc, char *argv[]) {
  ensure_stdio();
  struct options options;
  char error[1024];
  switch (cli_parse(argc, argv, &options, error, sizeof error)) {
  case CLI_HELP:
    (void)sys_write_all(STDOUT_FILENO, cli_usage(), strlen(cli_usage()));
    return 0;
  case CLI_VERSION:
    (void)sys_write_all(STDOUT_FILENO, LAMEDUCK_VERSION "\n", strlen(LAMEDUCK_VERSION "\n"));
    return 0;
  case CLI_USAGE_ERROR:
    dprintf(STDERR_FILENO, "%s\nRun '%s --help' for usage.\n", error, PROGRAM);
    return 2;
  case CLI_RUN:
    break;
  }
  log_set_verbose(options.verbose);
  // Orphans of the app are re-parented to PID 1; when the init is not PID 1 it asks the kernel to
  // re-parent them to itself instead, so it can wait for them and reap them.
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    warn("could not become a child subreaper; orphans that leave the process group are not waited "
         "for");
  }
  return supervise(&options);
}
