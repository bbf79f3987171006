// Durations as `lameduck run` reads and prints them (packages/lameduck/src/duration.ts): `500ms`,
// `5s`, `1.5s`, `2m`, `1m30s`; a bare `0` is the only number without a unit.
#ifndef LAMEDUCK_DURATION_H
#define LAMEDUCK_DURATION_H

#include <stdbool.h>
#include <stddef.h>

/** Parses `text` into milliseconds (rounded to 1/1000 ms); false when it is not a duration. */
bool duration_parse(const char *text, double *ms);
/** Formats milliseconds the way duration_parse reads them back. */
void duration_format(double ms, char *out, size_t size);

#endif
