#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "sys.h"

static bool verbose_on = false;

void log_set_verbose(bool verbose) { verbose_on = verbose; }

bool log_verbose(void) { return verbose_on; }

static void emit(const char *format, va_list args) {
  char line[4096];
  int prefix = snprintf(line, sizeof line, "%s: ", PROGRAM);
  int length = vsnprintf(line + prefix, sizeof line - (size_t)prefix - 1, format, args);
  if (length < 0) return;
  size_t total = (size_t)prefix + (size_t)length;
  if (total > sizeof line - 2) total = sizeof line - 2;
  line[total++] = '\n';
  // A closed or broken stderr must not stop the init: the result is ignored on purpose.
  (void)sys_write_all(STDERR_FILENO, line, total);
}

void warn(const char *format, ...) {
  int saved = errno;
  va_list args;
  va_start(args, format);
  emit(format, args);
  va_end(args);
  errno = saved;
}

void debug(const char *format, ...) {
  if (!verbose_on) return;
  int saved = errno;
  va_list args;
  va_start(args, format);
  emit(format, args);
  va_end(args);
  errno = saved;
}

const char *errno_name(int error) {
  switch (error) {
  case EADDRINUSE: return "EADDRINUSE";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOEXEC: return "ENOEXEC";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EINVAL: return "EINVAL";
  case EROFS: return "EROFS";
  case ENOSPC: return "ENOSPC";
  case EMFILE: return "EMFILE";
  case ENOMEM: return "ENOMEM";
  case E2BIG: return "E2BIG";
  case ETXTBSY: return "ETXTBSY";
  case ELOOP: return "ELOOP";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  default: {
    static char text[32];
    snprintf(text, sizeof text, "errno %d", error);
    return text;
  }
  }
}
