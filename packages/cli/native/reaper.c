// lameduck_reaper: the two system calls `lameduck run` needs and Node does not expose.
//
//   reap(pid)          waitpid(pid, WNOHANG) for one exited child that libuv did not spawn (an orphan
//                      re-parented to us). Returns { pid, code, signal } or null when the pid has not
//                      exited or is not our child. Never waits for "any" child: that would steal the
//                      exit status of the processes libuv is waiting for.
//   setChildSubreaper() prctl(PR_SET_CHILD_SUBREAPER, 1): orphans of our descendants are re-parented to
//                      us instead of to PID 1, so we can wait for them and reap them. Returns true on
//                      success.
//
// Plain C against node_api.h (Node-API version 8): one binary works for every Node version >= 20.
#define NAPI_VERSION 8
#include <errno.h>
#include <stdio.h>
#include <node_api.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

static napi_value throw_errno(napi_env env, const char *syscall) {
  char message[96];
  snprintf(message, sizeof message, "%s failed with errno %d", syscall, errno);
  napi_throw_error(env, "E_RUN_NATIVE", message);
  return NULL;
}

static napi_value reap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t pid = 0;
  napi_value result = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, "E_RUN_NATIVE", "reap(pid) expects a positive integer pid");
    return NULL;
  }
  int status = 0;
  pid_t got;
  do {
    got = waitpid((pid_t)pid, &status, WNOHANG);
  } while (got == -1 && errno == EINTR);
  if (got == 0 || (got == -1 && errno == ECHILD)) {
    napi_get_null(env, &result);
    return result;
  }
  if (got == -1) return throw_errno(env, "waitpid");

  napi_value value;
  napi_create_object(env, &result);
  napi_create_int32(env, got, &value);
  napi_set_named_property(env, result, "pid", value);
  if (WIFEXITED(status)) napi_create_int32(env, WEXITSTATUS(status), &value);
  else napi_get_null(env, &value);
  napi_set_named_property(env, result, "code", value);
  if (WIFSIGNALED(status)) napi_create_int32(env, WTERMSIG(status), &value);
  else napi_get_null(env, &value);
  napi_set_named_property(env, result, "signal", value);
  return result;
}

static napi_value set_child_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "reap", NAPI_AUTO_LENGTH, reap, NULL, &fn);
  napi_set_named_property(env, exports, "reap", fn);
  napi_create_function(env, "setChildSubreaper", NAPI_AUTO_LENGTH, set_child_subreaper, NULL, &fn);
  napi_set_named_property(env, exports, "setChildSubreaper", fn);
  return exports;
}
