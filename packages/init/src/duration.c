#include "duration.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double unit_ms(const char *at, size_t *length) {
  if (strncmp(at, "ms", 2) == 0) return *length = 2, 1;
  if (*at == 's') return *length = 1, 1000;
  if (*at == 'm') return *length = 1, 60000;
  if (*at == 'h') return *length = 1, 3600000;
  return *length = 0, 0;
}

bool duration_parse(const char *text, double *ms) {
  const char *start = text;
  const char *end = text + strlen(text);
  while (start < end && isspace((unsigned char)*start)) start++;
  while (end > start && isspace((unsigned char)end[-1])) end--;
  if (end - start == 1 && *start == '0') return *ms = 0, true;
  if (start == end) return false;
  double total = 0;
  const char *at = start;
  while (at < end) {
    // A number: digits with an optional fraction, or a fraction alone (`.5s`).
    const char *number = at;
    while (at < end && isdigit((unsigned char)*at)) at++;
    bool integer_part = at > number;
    if (at < end && *at == '.') {
      const char *fraction = ++at;
      while (at < end && isdigit((unsigned char)*at)) at++;
      if (at == fraction) return false;
    } else if (!integer_part) {
      return false;
    }
    size_t unit_length;
    double unit = unit_ms(at, &unit_length);
    if (unit == 0 || at + unit_length > end) return false;
    total += strtod(number, NULL) * unit;
    at += unit_length;
  }
  *ms = round(total * 1000) / 1000;
  return true;
}

/** The shortest plain decimal text (no exponent) that reads back as `value`, as JavaScript prints it. */
static void shortest(double value, char *out, size_t size) {
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(out, size, "%.*g", precision, value);
    if (strchr(out, 'e') == NULL && strtod(out, NULL) == value) return;
  }
}

void duration_format(double ms, char *out, size_t size) {
  char number[32];
  if (ms == 0) {
    snprintf(out, size, "0");
  } else if (ms < 1000 || fmod(ms, 100) != 0) {
    shortest(ms, number, sizeof number);
    snprintf(out, size, "%sms", number);
  } else if (ms < 60000 || fmod(ms, 1000) != 0) {
    shortest(ms / 1000, number, sizeof number);
    snprintf(out, size, "%ss", number);
  } else {
    double minutes = floor(ms / 60000);
    double seconds = fmod(ms, 60000) / 1000;
    if (minutes >= 60 && seconds == 0 && fmod(minutes, 60) == 0) {
      snprintf(out, size, "%.0fh", minutes / 60);
    } else if (seconds == 0) {
      snprintf(out, size, "%.0fm", minutes);
    } else {
      shortest(seconds, number, sizeof number);
      snprintf(out, size, "%.0fm%ss", minutes, number);
    }
  }
}
