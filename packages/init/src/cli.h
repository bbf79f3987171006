// The command line: the flags of `lameduck run`, with its defaults and its usage errors (exit 2).
#ifndef LAMEDUCK_CLI_H
#define LAMEDUCK_CLI_H

#include <stdbool.h>

#include "exit_code.h"

struct options {
  /** ms from the first termination signal to SIGKILL for everything left; 0 = no deadline. */
  double grace_ms;
  /** ms to hold SIGTERM back (not ready meanwhile) before passing it on. */
  double drain_delay_ms;
  const char *ready_file;
  /** -1 when there is no readiness endpoint. */
  int ready_port;
  const char *ready_host;
  bool signal_child_only;
  bool verbose;
  struct remap remap;
  /** The command and its arguments, NULL-terminated (points into argv). */
  char *const *command;
};

enum cli_outcome { CLI_RUN, CLI_HELP, CLI_VERSION, CLI_USAGE_ERROR };

/** Parses argv[1..]; on CLI_USAGE_ERROR `error` holds the message. */
enum cli_outcome cli_parse(int argc, char *const argv[], struct options *options, char *error,
                           unsigned long size);
/** The --help text. */
const char *cli_usage(void);

#endif
