#include "signals.h"

#include <errno.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "sys.h"

const int FORWARDED_SIGNALS[7] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

bool signal_is_termination(int signal) {
  return signal == SIGTERM || signal == SIGINT || signal == SIGQUIT;
}

const char *signal_name(int signal) {
  switch (signal) {
  case SIGTERM: return "SIGTERM";
  case SIGINT: return "SIGINT";
  case SIGHUP: return "SIGHUP";
  case SIGQUIT: return "SIGQUIT";
  case SIGUSR1: return "SIGUSR1";
  case SIGUSR2: return "SIGUSR2";
  case SIGWINCH: return "SIGWINCH";
  case SIGCHLD: return "SIGCHLD";
  case SIGKILL: return "SIGKILL";
  case SIGCONT: return "SIGCONT";
  default: return "a signal";
  }
}

int signals_take_over(void) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof FORWARDED_SIGNALS / sizeof FORWARDED_SIGNALS[0]; i++) {
    sigaddset(&set, FORWARDED_SIGNALS[i]);
  }
  sigaddset(&set, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
  signal(SIGPIPE, SIG_IGN);
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void signals_reset_for_child(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    sigaction(s, &action, NULL); // Fails for the realtime signals libc reserves; nothing to reset there.
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

int signals_next(int fd) {
  struct signalfd_siginfo info;
  ssize_t length = sys_read(fd, &info, sizeof info);
  if (length != (ssize_t)sizeof info) return 0;
  return (int)info.ssi_signo;
}
