#include "reap.h"

#include <errno.h>
#include <sys/wait.h>

#include "log.h"
#include "proc.h"
#include "sys.h"

unsigned reap_children(pid_t child, bool *child_exited, int *child_status) {
  unsigned reaped = 0;
  for (;;) {
    // Look first without reaping, to read an orphan's name while it is still a zombie.
    siginfo_t info;
    if (sys_waitid_any(&info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    pid_t pid = info.si_pid;
    char comm[16] = "";
    if (pid != child && log_verbose()) proc_comm(pid, comm);
    int status = 0;
    if (sys_waitpid(pid, &status, WNOHANG) != pid) break;
    reaped++;
    if (pid == child) {
      *child_exited = true;
      *child_status = status;
    } else {
      debug("reaped orphan %d (%s)", (int)pid, comm);
    }
  }
  return reaped;
}
