// The exit code of the init: the main child's, 128 + signal number when a signal ended it, 137 when
// the deadline had to kill something and the child said 0, then `--remap-exit`.
#ifndef LAMEDUCK_EXIT_CODE_H
#define LAMEDUCK_EXIT_CODE_H

#include <stdbool.h>

/** `--remap-exit from:to` entries; remap.to[from] is -1 when `from` is not remapped. */
struct remap {
  short to[256];
};

void remap_init(struct remap *remap);
/**
 * Adds the entries of one `--remap-exit` value (`143:0` or `143:0,130:0`). On a malformed entry
 * returns false with a usage message in `error`.
 */
bool remap_add(struct remap *remap, const char *value, char *error, unsigned long size);
/** The shell's convention for a wait status: the exit code, or 128 + the signal number. */
int exit_code_of(int wait_status);
/** The final exit code: 137 for a cut drain that looked successful, then the remap. */
int exit_code_final(int child_code, int killed_by_deadline, const struct remap *remap);

#endif
