// The signals the init takes over: the seven it passes on to the app, and SIGCHLD. They are blocked
// and read from a signalfd, so they arrive one at a time in the event loop (and reach PID 1, whose
// blocked signals the kernel queues instead of dropping).
#ifndef LAMEDUCK_SIGNALS_H
#define LAMEDUCK_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/** SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH. */
extern const int FORWARDED_SIGNALS[7];

/** SIGTERM, SIGINT, SIGQUIT: ask the app to stop (not ready, deadline starts). */
bool signal_is_termination(int signal);
/** "SIGTERM" */
const char *signal_name(int signal);

/**
 * Blocks the forwarded signals and SIGCHLD, ignores SIGPIPE (a probe that hangs up must not end the
 * init) and returns a non-blocking signalfd for them, or -1.
 */
int signals_take_over(void);
/**
 * In the forked child, before exec: every disposition back to default and no signal blocked, as
 * Node's spawn (libuv) leaves them for the app of `lameduck run`.
 */
void signals_reset_for_child(void);
/** Reads one signal from the signalfd; 0 when none is pending. */
int signals_next(int fd);

#endif
