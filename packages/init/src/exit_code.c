#include "exit_code.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"

void remap_init(struct remap *remap) {
  for (int i = 0; i < 256; i++) remap->to[i] = -1;
}

/** Reads 1 to 3 digits from `*at`; -1 when there are none or more than 3. */
static int read_code(const char **at) {
  int digits = 0;
  int value = 0;
  while (isdigit((unsigned char)**at)) {
    if (++digits > 3) return -1;
    value = value * 10 + (**at - '0');
    (*at)++;
  }
  return digits == 0 ? -1 : value;
}

/** Copies `item` into `out` without the surrounding white space. */
static void trimmed(const char *item, size_t length, char *out, size_t size) {
  while (length > 0 && isspace((unsigned char)*item)) item++, length--;
  while (length > 0 && isspace((unsigned char)item[length - 1])) length--;
  if (length >= size) length = size - 1;
  memcpy(out, item, length);
  out[length] = '\0';
}

bool remap_add(struct remap *remap, const char *value, char *error, unsigned long size) {
  const char *item = value;
  for (;;) {
    const char *comma = strchr(item, ',');
    size_t length = comma ? (size_t)(comma - item) : strlen(item);
    char text[256];
    trimmed(item, length, text, sizeof text);
    const char *at = text;
    int from = read_code(&at);
    int to = -1;
    if (from >= 0 && *at == ':') {
      at++;
      to = read_code(&at);
    }
    if (from < 0 || to < 0 || *at != '\0' || from > 255 || to > 255) {
      snprintf(error, size,
               "%s: --remap-exit expects <from>:<to> with exit codes from 0 to 255 (e.g. 143:0), "
               "got \"%s\"",
               PROGRAM, text);
      return false;
    }
    if (remap->to[from] != -1) {
      snprintf(error, size, "%s: --remap-exit maps exit code %d more than once", PROGRAM, from);
      return false;
    }
    remap->to[from] = (short)to;
    if (!comma) return true;
    item = comma + 1;
  }
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

int exit_code_final(int child_code, int killed_by_deadline, const struct remap *remap) {
  int code = killed_by_deadline > 0 && child_code == 0 ? 137 : child_code;
  if (code >= 0 && code < 256 && remap->to[code] != -1) return remap->to[code];
  return code;
}
