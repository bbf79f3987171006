// The kernel's process table as /proc/<pid>/stat gives it, and which of its processes are the app's.
#ifndef LAMEDUCK_PROC_H
#define LAMEDUCK_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct process {
  pid_t pid;
  pid_t ppid;
  /** Process group id and session id. */
  pid_t pgid;
  pid_t sid;
  /** One letter: R running, S sleeping, D disk, Z zombie, T stopped, X dead, ... */
  char state;
  /** The executable's name, at most 15 characters. */
  char comm[16];
};

/** A growable list of processes; {0} is an empty one. */
struct process_list {
  struct process *items;
  size_t count;
  size_t capacity;
};

void process_list_free(struct process_list *list);

/** Parses one /proc/<pid>/stat line; false when it is malformed. */
bool proc_parse_stat(const char *line, struct process *out);
/** Reads /proc into `table` (cleared first). Processes that exit while it reads are skipped. */
void proc_read_table(struct process_list *table);
/** The name of one process (for a zombie about to be reaped); "?" when it is gone. */
void proc_comm(pid_t pid, char out[16]);

/**
 * The app's live processes in `table`: our descendants plus every member of the main child's process
 * group or session, without zombies. Orphans are re-parented to us (PID 1, or a child subreaper), so
 * they count whatever group or session they moved to; a process that entered the namespace from
 * outside (`kubectl exec`: its parent is not in the namespace) is not the app's.
 */
void proc_live_app(const struct process_list *table, pid_t self, pid_t child,
                   struct process_list *live);

/** `12 (java), 14 (sleep)` into `out`, cut with `...` when it does not fit. */
void proc_describe(const struct process_list *list, char *out, size_t size);

#endif
