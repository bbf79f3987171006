// The init's event loop, as `lameduck run` behaves: pass signals on to the app's whole process group,
// hold SIGTERM back for --drain-delay, wait until every process of the app has exited (not only the
// main child), reap zombies, enforce the --grace deadline, and return the exit code to use.
#ifndef LAMEDUCK_SUPERVISOR_H
#define LAMEDUCK_SUPERVISOR_H

#include "cli.h"

int supervise(const struct options *options);

#endif
