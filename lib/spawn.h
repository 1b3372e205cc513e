/*
 * Running other programs: always an argv and execve, never a shell.
 */
#ifndef OCF_SPAWN_H
#define OCF_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct ocf_spawn_opts {
	/* "NAME=VALUE" strings added to (or replacing in) the environment */
	const char *const *env;
	/* start from a minimal environment (PATH, HOME, USER, LOGNAME, LANG, LC_*,
	 * TZ) instead of inheriting ours; env is added on top */
	int clean_env;
	/* when we are root and user is non-empty: setgid/initgroups/setuid to
	 * it and set HOME, USER, LOGNAME from its passwd entry */
	const char *user;
	/* own session and process group (setsid), so the whole group can be
	 * signalled and it survives our exit */
	int new_session;
	/* stdout and stderr appended to this file (created 0600); NULL keeps
	 * ours.  stdin is always /dev/null */
	const char *log_path;
	/* > 0: the output reaches log_path through a keeper process that
	 * rotates it to log_path.1 at this size (see spawn.c) */
	long long log_max;
	/* > 0: stdout goes to this descriptor */
	int stdout_fd;
	/* working directory; NULL keeps ours (HOME of user when user is set) */
	const char *cwd;
	/* > 0: the child gets this signal when we die (PR_SET_PDEATHSIG, set
	 * after the user switch, which clears it), even by SIGKILL */
	int parent_death_signal;
};

/*
 * Fork and exec argv[0] (looked up in PATH when it has no '/').  An exec
 * failure in the child is reported here, not as a mysterious exit 127:
 * the child writes errno to a close-on-exec pipe.  Returns the pid, or -1
 * with err filled.
 */
pid_t ocf_spawn(char *const argv[], const struct ocf_spawn_opts *o,
    char *err, size_t errlen);

/* wait for pid up to timeout seconds (< 0: forever).  Returns 0 and the
 * wait status when it exited, 1 on timeout, -1 on error */
int ocf_wait(pid_t pid, double timeout, int *status);

/*
 * Spawn argv in its own process group, wait up to timeout; on timeout
 * SIGTERM the group, then SIGKILL after 2 s.  Returns the exit code
 * (0..255), 128+signal when killed by a signal, -1 when it could not be
 * started, -2 on timeout.
 */
int ocf_run(char *const argv[], const struct ocf_spawn_opts *o,
    double timeout, char *err, size_t errlen);

#endif
