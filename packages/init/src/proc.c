#include "proc.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys.h"

void process_list_free(struct process_list *list) {
  free(list->items);
  *list = (struct process_list){0};
}

static void push(struct process_list *list, const struct process *process) {
  if (list->count == list->capacity) {
    size_t capacity = list->capacity ? list->capacity * 2 : 64;
    struct process *items = realloc(list->items, capacity * sizeof *items);
    if (items == NULL) return; // Out of memory: this scan sees fewer processes, the next one retries.
    list->items = items;
    list->capacity = capacity;
  }
  list->items[list->count++] = *process;
}

bool proc_parse_stat(const char *line, struct process *out) {
  // The name sits in parentheses and may itself hold spaces and parentheses: count from the last ')'.
  const char *open = strchr(line, '(');
  const char *close = strrchr(line, ')');
  if (open == NULL || close == NULL || close < open) return false;
  char *end;
  long pid = strtol(line, &end, 10);
  if (end == line || pid <= 0) return false;
  int ppid, pgid, sid;
  char state;
  if (sscanf(close + 1, " %c %d %d %d", &state, &ppid, &pgid, &sid) != 4) return false;
  size_t length = (size_t)(close - open - 1);
  if (length > sizeof out->comm - 1) length = sizeof out->comm - 1;
  *out = (struct process){.pid = (pid_t)pid, .ppid = ppid, .pgid = pgid, .sid = sid, .state = state};
  memcpy(out->comm, open + 1, length);
  out->comm[length] = '\0';
  return true;
}

/** Reads /proc/<pid>/stat into `buffer`; false when the process is gone. */
static bool read_stat(const char *pid, char *buffer, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int fd = sys_open(path, O_RDONLY, 0);
  if (fd < 0) return false;
  ssize_t length = sys_read(fd, buffer, size - 1);
  close(fd);
  if (length <= 0) return false;
  buffer[length] = '\0';
  return true;
}

void proc_read_table(struct process_list *table) {
  table->count = 0;
  DIR *dir = opendir("/proc");
  if (dir == NULL) return;
  struct dirent *entry;
  char line[1024];
  while ((entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    if (name[0] < '1' || name[0] > '9' || strspn(name, "0123456789") != strlen(name)) continue;
    struct process process;
    if (read_stat(name, line, sizeof line) && proc_parse_stat(line, &process)) push(table, &process);
  }
  closedir(dir);
}

void proc_comm(pid_t pid, char out[16]) {
  char name[16], line[1024];
  struct process process;
  snprintf(name, sizeof name, "%d", (int)pid);
  if (read_stat(name, line, sizeof line) && proc_parse_stat(line, &process)) {
    memcpy(out, process.comm, sizeof process.comm);
  } else {
    strcpy(out, "?");
  }
}

static bool gone(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

void proc_live_app(const struct process_list *table, pid_t self, pid_t child,
                   struct process_list *live) {
  live->count = 0;
  size_t n = table->count;
  if (n == 0) return;
  // mark[i]: process i is our descendant. Found by repeated passes over the table: each pass adds
  // the children of what is marked, so a chain of depth d takes at most d passes.
  char *mark = calloc(n, 1);
  if (mark == NULL) return;
  for (size_t i = 0; i < n; i++) {
    if (table->items[i].ppid == self && table->items[i].pid != self) mark[i] = 1;
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < n; i++) {
      if (mark[i] || table->items[i].pid == self) continue;
      for (size_t j = 0; j < n; j++) {
        if (mark[j] && table->items[j].pid == table->items[i].ppid) {
          mark[i] = 1;
          grew = true;
          break;
        }
      }
    }
  }
  // Then every member of the main child's process group or session.
  for (size_t i = 0; i < n; i++) {
    const struct process *p = &table->items[i];
    if (p->pid != self && (p->pgid == child || p->sid == child)) mark[i] = 1;
  }
  for (size_t i = 0; i < n; i++) {
    if (mark[i] && !gone(table->items[i].state)) push(live, &table->items[i]);
  }
  free(mark);
}

void proc_describe(const struct process_list *list, char *out, size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < list->count; i++) {
    const struct process *p = &list->items[i];
    int written = snprintf(out + used, size - used, "%s%d (%s)", i ? ", " : "", (int)p->pid, p->comm);
    if (written < 0 || (size_t)written >= size - used) {
      // Too many to name: end with "..." (the count is said elsewhere in the same line).
      if (size >= 4) strcpy(out + size - 4, "...");
      return;
    }
    used += (size_t)written;
  }
}
