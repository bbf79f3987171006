#include "forward.h"

#include <signal.h>
#include <stdio.h>

// kill(2) failing with ESRCH (already gone) or EPERM (changed its user) is skipped on purpose: an
// init must not stop over one process.

size_t forward_signal(const struct forward_target *target, int signal) {
  const struct process_list *live = target->live;
  if (target->child_only && target->child_running) {
    kill(target->child, signal);
    return 0;
  }
  if (target->child_only) {
    // The main child is gone: what it left behind gets the signal, one process at a time.
    for (size_t i = 0; i < live->count; i++) kill(live->items[i].pid, signal);
    return live->count;
  }
  kill(-target->child, signal);
  size_t outside = 0;
  for (size_t i = 0; i < live->count; i++) {
    if (live->items[i].pgid == target->child) continue;
    kill(live->items[i].pid, signal);
    outside++;
  }
  return outside;
}

void forward_kill_everything(const struct forward_target *target) {
  kill(-target->child, SIGKILL);
  for (size_t i = 0; i < target->live->count; i++) kill(target->live->items[i].pid, SIGKILL);
}

size_t forward_continue_stopped(const struct process_list *live, char *out, size_t size) {
  size_t count = 0, used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < live->count; i++) {
    if (live->items[i].state != 'T') continue;
    kill(live->items[i].pid, SIGCONT);
    if (used < size) {
      int n = snprintf(out + used, size - used, "%s%d", count ? ", " : "", (int)live->items[i].pid);
      if (n > 0) used += (size_t)n;
    }
    count++;
  }
  return count;
}
