#include "deadline.h"

#include <math.h>

#include "duration.h"
#include "log.h"

void deadline_init(struct deadline *deadline, double grace_ms) {
  *deadline = (struct deadline){.grace_ms = grace_ms, .due = -1, .fired_at = -1, .killed = 0};
}

void deadline_start(struct deadline *deadline, long long now) {
  if (deadline->due >= 0 || deadline->fired_at >= 0 || deadline->grace_ms == 0) return;
  deadline->due = now + (long long)ceil(deadline->grace_ms);
}

long long deadline_wait(const struct deadline *deadline, long long now) {
  if (deadline->due < 0) return -1;
  return deadline->due > now ? deadline->due - now : 0;
}

bool deadline_check(struct deadline *deadline, long long now, const struct forward_target *target) {
  if (deadline->due < 0 || now < deadline->due) return false;
  deadline->due = -1;
  deadline->fired_at = now;
  deadline->killed = target->live->count;
  char grace[32], names[3072];
  duration_format(deadline->grace_ms, grace, sizeof grace);
  proc_describe(target->live, names, sizeof names);
  warn("grace period of %s is over; sending SIGKILL to %zu process(es) still running: %s", grace,
       target->live->count, names);
  forward_kill_everything(target);
  return true;
}

bool deadline_fired_longer_ago_than(const struct deadline *deadline, long long now, long long ms) {
  return deadline->fired_at >= 0 && now - deadline->fired_at > ms;
}
