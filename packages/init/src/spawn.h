// Starts the app: fork, a new session and process group (setsid), default signal dispositions, exec
// found through PATH. An exec that fails is reported back through a close-on-exec pipe, so the init
// can exit like a shell: 127 for a command that does not exist, 126 for one it cannot execute.
#ifndef LAMEDUCK_SPAWN_H
#define LAMEDUCK_SPAWN_H

#include <sys/types.h>

/**
 * Starts `command` (NULL-terminated argv). Returns its pid, or -1 with the exit code to use in
 * `*exit_code` after a message on stderr.
 */
pid_t spawn_app(char *const command[], int *exit_code);

#endif
