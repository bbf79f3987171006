// Delivering signals to the app: the main child's whole process group with one kill(2), plus each
// live app process that left the group (setsid, setpgid), so every process gets each signal once.
#ifndef LAMEDUCK_FORWARD_H
#define LAMEDUCK_FORWARD_H

#include <stdbool.h>
#include <sys/types.h>

#include "proc.h"

struct forward_target {
  /** The main child's pid, which is also its process group id (it was started with setsid). */
  pid_t child;
  bool child_running;
  /** Only the main child, never its group (--signal-child-only). */
  bool child_only;
  /** The app's live processes now. */
  const struct process_list *live;
};

/** Sends `signal`; returns how many processes outside the group were signalled one by one. */
size_t forward_signal(const struct forward_target *target, int signal);
/** SIGKILL for everything of the app that is left: the group and every live process. */
void forward_kill_everything(const struct forward_target *target);
/**
 * SIGCONT for the app's stopped processes (state T) after a termination signal: a stopped process
 * keeps SIGTERM pending and would sit out the whole grace period. Writes their pids into `out`
 * (`1, 2`) and returns how many there were.
 */
size_t forward_continue_stopped(const struct process_list *live, char *out, size_t size);

#endif
