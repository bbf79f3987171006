// Collecting exited children: the main child (its status is the init's exit code) and every orphan
// re-parented to the init, so zombies do not pile up in the PID table.
#ifndef LAMEDUCK_REAP_H
#define LAMEDUCK_REAP_H

#include <stdbool.h>
#include <sys/types.h>

/**
 * Reaps every child that has exited, without blocking. When the main child is among them, sets
 * `*child_exited` and its wait status in `*child_status`. Returns how many were reaped.
 */
unsigned reap_children(pid_t child, bool *child_exited, int *child_status);

#endif
