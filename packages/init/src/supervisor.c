#include "supervisor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "duration.h"
#include "exit_code.h"
#include "forward.h"
#include "log.h"
#include "proc.h"
#include "readiness.h"
#include "reap.h"
#include "signals.h"
#include "spawn.h"
#include "sys.h"

/** How often the process table is read while waiting for the app's last process. */
#define POLL_MS 50
/** How long processes may take to vanish after SIGKILL before the init stops waiting for them. */
#define AFTER_KILL_MS 5000

struct supervisor {
  const struct options *options;
  pid_t self;
  pid_t child;
  bool exited;
  int status;
  bool stopping;
  /** Monotonic ms when the drain delay ends; -1 when none runs. */
  long long delay_until;
  bool rest_signalled;
  struct deadline deadline;
  struct readiness readiness;
  struct process_list table;
  struct process_list live;
};

/** Reads /proc and keeps the app's live processes in s->live. */
static const struct process_list *refresh(struct supervisor *s) {
  proc_read_table(&s->table);
  proc_live_app(&s->table, s->self, s->child, &s->live);
  return &s->live;
}

static struct forward_target target(struct supervisor *s) {
  return (struct forward_target){.child = s->child,
                                 .child_running = !s->exited,
                                 .child_only = s->options->signal_child_only,
                                 .live = refresh(s)};
}

static void forward(struct supervisor *s, int signal) {
  struct forward_target t = target(s);
  size_t outside = forward_signal(&t, signal);
  const char *name = signal_name(signal);
  if (s->options->signal_child_only) {
    if (!s->exited) debug("sent %s to the main child", name);
    else debug("sent %s to the %zu process(es) it left behind", name, outside);
  } else if (outside) {
    debug("sent %s to the process group and %zu process(es) outside it", name, outside);
  } else {
    debug("sent %s to the process group", name);
  }
}

static void stop(struct supervisor *s, int signal) {
  s->stopping = true;
  readiness_drain(&s->readiness);
  deadline_start(&s->deadline, clock_now_ms());
  forward(s, signal);
  char pids[1024];
  if (forward_continue_stopped(refresh(s), pids, sizeof pids)) {
    debug("sent SIGCONT to stopped process(es) %s", pids);
  }
}

static void end_delay(struct supervisor *s) {
  s->delay_until = -1;
  if (!s->exited && !s->stopping) stop(s, SIGTERM);
}

static void on_signal(struct supervisor *s, int signal) {
  debug("received %s", signal_name(signal));
  bool delaying = s->delay_until >= 0;
  if (delaying && (signal == SIGTERM || signal == SIGINT)) {
    debug("%s during the drain delay: passing SIGTERM on now", signal_name(signal));
    end_delay(s);
    return;
  }
  if (signal == SIGTERM && s->options->drain_delay_ms > 0 && !s->stopping && !delaying) {
    long long now = clock_now_ms();
    readiness_drain(&s->readiness);
    deadline_start(&s->deadline, now);
    s->delay_until = now + (long long)s->options->drain_delay_ms;
    char delay[32];
    duration_format(s->options->drain_delay_ms, delay, sizeof delay);
    debug("not ready; holding SIGTERM back for %s", delay);
    return;
  }
  if (signal_is_termination(signal)) stop(s, signal);
  else forward(s, signal);
}

static void on_child_exit(struct supervisor *s) {
  if (WIFSIGNALED(s->status)) debug("main child exited with %s", signal_name(WTERMSIG(s->status)));
  else debug("main child exited with code %d", exit_code_of(s->status));
  s->delay_until = -1; // Nothing left to hold SIGTERM back from.
}

/** After the main child exited: true when nothing of the app is left (or the init gave up). */
static bool app_finished(struct supervisor *s, bool *gave_up) {
  const struct process_list *live = refresh(s);
  if (live->count == 0) return true;
  if (!s->rest_signalled) {
    s->rest_signalled = true;
    char names[3072];
    proc_describe(live, names, sizeof names);
    debug("%zu process(es) left after the main child: %s", live->count, names);
    // With the group signalled they already got SIGTERM; do not send a second one.
    if (!s->stopping || s->options->signal_child_only) stop(s, SIGTERM);
  }
  if (deadline_fired_longer_ago_than(&s->deadline, clock_now_ms(), AFTER_KILL_MS)) {
    char names[3072];
    proc_describe(&s->live, names, sizeof names);
    warn("still running after SIGKILL, giving up on them: %s", names);
    *gave_up = true;
    return true;
  }
  return false;
}

/** The poll timeout: the nearest of the drain delay, the deadline, idle readiness clients, polling. */
static int next_timeout(const struct supervisor *s, long long now) {
  long long wait = s->exited ? POLL_MS : -1;
  long long candidates[3] = {
      s->delay_until < 0 ? -1 : (s->delay_until > now ? s->delay_until - now : 0),
      deadline_wait(&s->deadline, now),
      readiness_next_timeout(&s->readiness, now),
  };
  for (size_t i = 0; i < 3; i++) {
    if (candidates[i] >= 0 && (wait < 0 || candidates[i] < wait)) wait = candidates[i];
  }
  return wait > 60000 ? 60000 : (int)wait;
}

static void run_loop(struct supervisor *s, int signal_fd) {
  bool gave_up = false;
  for (;;) {
    if (s->exited && app_finished(s, &gave_up)) break;
    struct pollfd fds[1 + READINESS_MAX_FDS];
    fds[0] = (struct pollfd){signal_fd, POLLIN, 0};
    size_t count = 1 + readiness_poll_fds(&s->readiness, fds + 1);
    if (sys_poll(fds, count, next_timeout(s, clock_now_ms())) < 0) {
      warn("poll failed: %s", strerror(errno));
      fds[0].revents = POLLIN;
    }
    for (int signal; (signal = signals_next(signal_fd)) != 0;) {
      if (signal == SIGCHLD) {
        bool was_running = !s->exited;
        reap_children(s->child, &s->exited, &s->status);
        if (was_running && s->exited) on_child_exit(s);
      } else {
        on_signal(s, signal);
      }
    }
    long long now = clock_now_ms();
    readiness_handle(&s->readiness, fds + 1, count - 1, now);
    if (s->delay_until >= 0 && now >= s->delay_until) end_delay(s);
    if (s->deadline.due >= 0 && now >= s->deadline.due) {
      struct forward_target t = target(s);
      deadline_check(&s->deadline, now, &t);
    }
  }
  if (!gave_up) debug("every process of the app has exited");
}

int supervise(const struct options *options) {
  struct supervisor s = {.options = options, .self = getpid(), .delay_until = -1};
  deadline_init(&s.deadline, options->grace_ms);
  int signal_fd = signals_take_over();
  if (signal_fd < 0) {
    warn("cannot take over signals: %s", strerror(errno));
    return 1;
  }
  int failed = readiness_start(&s.readiness, options->ready_file, options->ready_port,
                               options->ready_host);
  if (failed != 0) {
    close(signal_fd);
    return failed;
  }
  if (s.readiness.port >= 0) debug("readiness endpoint on port %d", s.readiness.port);
  int code = 0;
  s.child = spawn_app(options->command, &code);
  if (s.child < 0) {
    readiness_close(&s.readiness);
    close(signal_fd);
    return code;
  }
  debug("started %s as pid %d in its own process group", options->command[0], (int)s.child);
  // Signals that arrived before the app ran are still pending on the signalfd: the loop passes them on.
  run_loop(&s, signal_fd);
  readiness_close(&s.readiness);
  close(signal_fd);
  process_list_free(&s.table);
  process_list_free(&s.live);
  return exit_code_final(exit_code_of(s.status), (int)s.deadline.killed, &options->remap);
}
