// The --grace deadline: started once, by the first termination signal (or by the main child exiting
// while others still run); when it fires, everything of the app that is left gets SIGKILL and stderr
// says which processes were cut.
#ifndef LAMEDUCK_DEADLINE_H
#define LAMEDUCK_DEADLINE_H

#include <stdbool.h>

#include "forward.h"

struct deadline {
  double grace_ms;
  /** Monotonic ms when it fires; -1 while not started (or when grace is 0). */
  long long due;
  /** Monotonic ms when it fired; -1 before. */
  long long fired_at;
  /** How many processes it had to kill. */
  size_t killed;
};

void deadline_init(struct deadline *deadline, double grace_ms);
/** Starts the countdown unless it runs already or the grace is 0. */
void deadline_start(struct deadline *deadline, long long now);
/** ms until it fires, or -1 when it will not. */
long long deadline_wait(const struct deadline *deadline, long long now);
/** Fires when due: SIGKILL for `target`, a line on stderr. Returns true when it fired now. */
bool deadline_check(struct deadline *deadline, long long now, const struct forward_target *target);
/** True when it fired more than `ms` ago (processes stuck even after SIGKILL). */
bool deadline_fired_longer_ago_than(const struct deadline *deadline, long long now, long long ms);

#endif
