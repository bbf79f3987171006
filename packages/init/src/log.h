// Lines on stderr, prefixed with the program's name. `warn` always shows; `debug` only with --verbose.
// Each line is one write(2), so lines of the init and of the app do not interleave mid-line.
#ifndef LAMEDUCK_LOG_H
#define LAMEDUCK_LOG_H

#include <stdbool.h>

#define PROGRAM "lameduck-init"

void log_set_verbose(bool verbose);
bool log_verbose(void);
void warn(const char *format, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *format, ...) __attribute__((format(printf, 1, 2)));

/** The symbolic name of an errno value (EADDRINUSE), as Node reports it, or "errno N". */
const char *errno_name(int error);

#endif
