#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "log.h"

enum kind { KIND_DURATION, KIND_PORT, KIND_STRING, KIND_BOOLEAN, KIND_LIST };

struct flag {
  const char *name;
  enum kind kind;
  /** What the value should look like, for "expects …" and "needs a value (…)". */
  const char *expects;
};

// Same names, kinds and order as `lameduck run` (packages/cli/src/run/command.ts).
static const struct flag FLAGS[] = {
    {"grace", KIND_DURATION, "a duration such as 500ms, 5s or 2m (in ms: >= 0)"},
    {"drain-delay", KIND_DURATION, "a duration such as 500ms, 5s or 2m (in ms: >= 0)"},
    {"ready-file", KIND_STRING, "a value <path>"},
    {"ready-port", KIND_PORT, "a whole number from 0 to 65535"},
    {"ready-host", KIND_STRING, "a value <address>"},
    {"signal-child-only", KIND_BOOLEAN, NULL},
    {"remap-exit", KIND_LIST, "a value"},
    {"verbose", KIND_BOOLEAN, NULL},
};
#define FLAG_COUNT (sizeof FLAGS / sizeof FLAGS[0])

static const char USAGE[] =
    "Usage: " PROGRAM " [options] [-- <command> [args...]]\n"
    "\n"
    "Runs <command> in its own process group and stays until every process of the app has exited, "
    "so\n"
    "a drain is not cut short by an npm or shell entrypoint. Passes SIGTERM, SIGINT, SIGHUP, "
    "SIGQUIT,\n"
    "SIGUSR1, SIGUSR2 and SIGWINCH on to the whole group, then exits with the main child's exit "
    "code\n"
    "(128 + signal number when a signal ended it). Errors: 127 command not found, 126 not "
    "executable.\n"
    "The same program as `lameduck run`, native and static, for images without Node.\n"
    "\n"
    // Same text as `lameduck run --help` prints (a test compares the two Options sections).
    "Arguments:\n"
    "  -- <command>                      The app to run, with its arguments\n"
    "\n"
    "Options:\n"
    "      --grace <duration>            Deadline from the first "
    "SIGTERM/SIGINT/SIGQUIT: SIGKILL for everything left (0 = none; keep it below "
    "terminationGracePeriodSeconds) (default: 25s)\n"
    "      --drain-delay <duration>      On SIGTERM, report not ready and wait this "
    "long before passing SIGTERM on (default: 0)\n"
    "      --ready-file <path>           Write this file as the app starts; remove "
    "it the moment SIGTERM arrives (links are followed)\n"
    "      --ready-port <n>              Serve readiness over HTTP on this port: "
    "200, then 503 from SIGTERM on\n"
    "      --ready-host <address>        Address for --ready-port (default: all "
    "interfaces)\n"
    "      --signal-child-only           Pass signals to the main child only, not to "
    "its whole process group\n"
    "      --remap-exit <from:to>        Exit with <to> when the app's exit code is "
    "<from>, e.g. 143:0 (repeatable)\n"
    "      --verbose                     Say on stderr what happens: signals, "
    "delays, exits, reaped zombies\n"
    "  -h, --help                        Show this help\n"
    "      --version                     Show the version of lameduck\n"
    "\n"
    "Examples:\n"
    "  " PROGRAM " -- ./start.sh\n"
    "  " PROGRAM " --grace 25s --drain-delay 5s --ready-port 8081 -- java -jar app.jar\n"
    "  " PROGRAM " --remap-exit 143:0 -- ./start.sh\n";

const char *cli_usage(void) { return USAGE; }

static size_t edit_distance(const char *a, const char *b) {
  size_t lb = strlen(b);
  size_t row[64];
  if (lb >= 64) return 64;
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; a[i - 1] != '\0'; i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t above = row[j];
      size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      size_t best = above + 1 < row[j - 1] + 1 ? above + 1 : row[j - 1] + 1;
      row[j] = best < substitution ? best : substitution;
      diagonal = above;
    }
  }
  return row[lb];
}

static void unknown_flag(const char *shown, char *error, unsigned long size) {
  size_t length = strlen(shown);
  size_t limit = (length / 3 > 2 ? length / 3 : 2) + 1;
  const char *suggestion = NULL;
  char candidate[64];
  for (size_t i = 0; i < FLAG_COUNT; i++) {
    snprintf(candidate, sizeof candidate, "--%s", FLAGS[i].name);
    if (length >= 60) break;
    size_t distance = edit_distance(shown, candidate);
    if (distance < limit) {
      limit = distance;
      suggestion = FLAGS[i].name;
    }
  }
  if (suggestion) {
    snprintf(error, size, "%s: unknown option %s (did you mean --%s?)", PROGRAM, shown, suggestion);
  } else {
    snprintf(error, size, "%s: unknown option %s", PROGRAM, shown);
  }
}

/** JavaScript's Number(text) for the values a port can take: decimal, hex, exponent forms. */
static bool whole_number(const char *text, double *value) {
  char *end;
  const char *at = text;
  while (*at == ' ' || *at == '\t') at++;
  if (*at == '\0') return false;
  *value = strtod(at, &end);
  while (*end == ' ' || *end == '\t') end++;
  return *end == '\0' && isfinite(*value) && floor(*value) == *value;
}

static bool store(const struct flag *flag, bool negated, const char *raw, struct options *options,
                  char *error, unsigned long size) {
  const char *name = flag->name;
  double number = 0;
  if (flag->kind == KIND_BOOLEAN) {
    if (raw != NULL && strcmp(raw, "true") != 0 && strcmp(raw, "false") != 0) {
      snprintf(error, size, "%s: --%s is a switch and takes no value, got \"%s\"", PROGRAM, name,
               raw);
      return false;
    }
    bool value = !negated && (raw == NULL || strcmp(raw, "false") != 0);
    if (strcmp(name, "verbose") == 0) options->verbose = value;
    else options->signal_child_only = value;
    return true;
  }
  if (flag->kind == KIND_LIST) {
    return remap_add(&options->remap, raw, error, size);
  }
  bool valid = true;
  if (flag->kind == KIND_DURATION) {
    valid = duration_parse(raw, &number) && number >= 0;
  } else if (flag->kind == KIND_PORT) {
    valid = whole_number(raw, &number) && number >= 0 && number <= 65535;
  }
  if (!valid) {
    snprintf(error, size, "%s: --%s expects %s, got \"%s\"", PROGRAM, name, flag->expects, raw);
    return false;
  }
  if (strcmp(name, "grace") == 0) options->grace_ms = number;
  else if (strcmp(name, "drain-delay") == 0) options->drain_delay_ms = number;
  else if (strcmp(name, "ready-port") == 0) options->ready_port = (int)number;
  else if (strcmp(name, "ready-file") == 0) options->ready_file = raw;
  else options->ready_host = raw;
  return true;
}

enum cli_outcome cli_parse(int argc, char *const argv[], struct options *options, char *error,
                           unsigned long size) {
  *options = (struct options){.grace_ms = 25000, .ready_port = -1};
  remap_init(&options->remap);
  bool given[FLAG_COUNT] = {false};
  bool help = false;
  bool version = false;
  const char *unexpected = NULL;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      if (i + 1 >= argc) {
        snprintf(error, size, "%s: `--` must be followed by a command", PROGRAM);
        return CLI_USAGE_ERROR;
      }
      options->command = &argv[i + 1];
      break;
    }
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      help = true;
      continue;
    }
    if (strcmp(arg, "--version") == 0) {
      version = true;
      continue;
    }
    if (arg[0] != '-' || strcmp(arg, "-") == 0) {
      if (unexpected == NULL) unexpected = arg;
      continue;
    }
    // --name, --name=value, --no-name (switches); single-dash flags do not exist here.
    char name[64] = "";
    const char *inline_value = NULL;
    if (arg[1] == '-') {
      const char *equals = strchr(arg, '=');
      size_t length = equals ? (size_t)(equals - arg - 2) : strlen(arg + 2);
      if (length >= sizeof name) length = sizeof name - 1;
      memcpy(name, arg + 2, length);
      name[length] = '\0';
      inline_value = equals ? equals + 1 : NULL;
    }
    const struct flag *flag = NULL;
    bool negated = false;
    for (size_t f = 0; f < FLAG_COUNT && arg[1] == '-'; f++) {
      if (strcmp(FLAGS[f].name, name) == 0) flag = &FLAGS[f];
      else if (strncmp(name, "no-", 3) == 0 && FLAGS[f].kind == KIND_BOOLEAN &&
               strcmp(FLAGS[f].name, name + 3) == 0) {
        flag = &FLAGS[f];
        negated = true;
      }
    }
    if (flag == NULL) {
      char shown[80];
      if (arg[1] == '-') snprintf(shown, sizeof shown, "--%s", name);
      else snprintf(shown, sizeof shown, "-%c", arg[1]);
      unknown_flag(shown, error, size);
      return CLI_USAGE_ERROR;
    }
    const char *raw = inline_value;
    if (flag->kind != KIND_BOOLEAN && raw == NULL) {
      raw = i + 1 < argc ? argv[i + 1] : NULL;
      bool numeric = flag->kind == KIND_DURATION || flag->kind == KIND_PORT;
      bool negative_number = numeric && raw && raw[0] == '-' && raw[1] >= '0' && raw[1] <= '9';
      if (raw == NULL || (raw[0] == '-' && !negative_number)) {
        snprintf(error, size, "%s: --%s needs a value (%s)", PROGRAM, flag->name, flag->expects);
        return CLI_USAGE_ERROR;
      }
      i++;
    }
    size_t index = (size_t)(flag - FLAGS);
    if (given[index] && flag->kind != KIND_LIST && flag->kind != KIND_BOOLEAN) {
      snprintf(error, size, "%s: --%s was given more than once", PROGRAM, flag->name);
      return CLI_USAGE_ERROR;
    }
    given[index] = true;
    if (!store(flag, negated, raw, options, error, size)) return CLI_USAGE_ERROR;
  }
  if (help) return CLI_HELP;
  if (version) return CLI_VERSION;
  if (unexpected != NULL) {
    snprintf(error, size, "%s: unexpected argument \"%s\" (put the command to run after `--`)",
             PROGRAM, unexpected);
    return CLI_USAGE_ERROR;
  }
  if (options->command == NULL) {
    snprintf(error, size,
             "%s: missing the command to run: %s [options] -- <command> [args...]", PROGRAM,
             PROGRAM);
    return CLI_USAGE_ERROR;
  }
  return CLI_RUN;
}
