// The readiness the init reports on the app's behalf, so a pod leaves the Service endpoints during
// --drain-delay while the app itself still serves: a file (for an exec probe) that exists while
// ready, and a tiny HTTP endpoint (any path, GET or HEAD) that answers 200 `ready`, then 503
// `draining`.
#ifndef LAMEDUCK_READINESS_H
#define LAMEDUCK_READINESS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define READINESS_MAX_CONNECTIONS 16
#define READINESS_MAX_FDS (1 + READINESS_MAX_CONNECTIONS)

struct readiness_connection {
  int fd;
  /** Monotonic ms at accept; a client that has not sent its request after 5 s is dropped. */
  long long since;
  size_t length;
  char request[1024];
};

struct readiness {
  bool ready;
  /** The real ready file (symbolic links followed), or NULL when there is none. */
  const char *file;
  char file_path[4096];
  /** The listening socket (dual-stack [::] for all interfaces); -1 when there is no endpoint. */
  int listener;
  int port;
  struct readiness_connection connections[READINESS_MAX_CONNECTIONS];
};

/**
 * Checks and writes `file` (unless NULL) and listens on `port` (unless it is -1). The file is treated
 * as `lameduck run` treats it: symbolic links are followed hop by hop (the link stays a link; the file
 * it points at is written atomically and later removed), and it must be a regular file or a new one
 * in a folder that exists. Returns 0, or the exit code on failure after saying why on stderr (naming
 * the flag): 2 when the path cannot be a ready file (a stream, a device, a FIFO, a folder, a folder
 * that does not exist or takes no new files), 1 when writing it failed afterwards or the port cannot
 * listen. Nothing is left behind.
 */
int readiness_start(struct readiness *readiness, const char *file, int port, const char *host);
/** Not ready from now on: the file is removed, the endpoint answers 503. */
void readiness_drain(struct readiness *readiness);
/** Adds the descriptors to watch; returns how many were added. */
size_t readiness_poll_fds(const struct readiness *readiness, struct pollfd *fds);
/** Handles what poll reported on those descriptors (accepts, answers, drops idle clients). */
void readiness_handle(struct readiness *readiness, const struct pollfd *fds, size_t count,
                      long long now);
/** ms until the next idle client must be dropped, or -1. */
long long readiness_next_timeout(const struct readiness *readiness, long long now);
void readiness_close(struct readiness *readiness);

#endif
