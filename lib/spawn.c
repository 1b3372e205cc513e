/*
 * Running other programs: fork and execve with an argv, never a shell.
 *
 * Everything the child needs (argv, envp, the paths to try, the fds, the
 * target user's ids and groups) is prepared before fork, so between fork
 * and execve the child only makes system calls: no malloc, no stdio, no
 * NSS lookup.  We are single-threaded today, but this keeps spawning safe
 * should a caller ever grow a thread holding the malloc lock.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "spawn.h"
#include "timeutil.h"
#include "user.h"

#define DEFAULT_PATH	"/usr/local/bin:/usr/bin:/bin"
#define RUN_GRACE	2.0	/* SIGTERM to SIGKILL for a timed-out ocf_run */

extern char **environ;

/* a growable, NULL-terminated vector of malloc'd strings */
struct strv {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* what the child is to do, prepared by the parent */
struct plan {
	char *const	*argv;
	struct strv	 env;
	struct strv	 paths;		/* execve candidates in PATH order */
	const char	*cwd;		/* chdir here or fail */
	struct ocf_user	 user;		/* its home: the default cwd */
	int		 new_session;
	int		 death_signal;	/* PR_SET_PDEATHSIG, 0: none */
	pid_t		 parent;	/* us, to see that we died already */
	int		 nullfd;
	int		 logfd;		/* -1: keep our stdout and stderr */
	const char	*log_path;	/* logfd's path, for the keeper */
	char		*log_old;	/* log_path.1, where the keeper rotates */
	long long	 log_max;	/* > 0: output through a keeper (below) */
	int		 outfd;		/* -1, or stdout goes here (capture) */
	int		 errfd;		/* write end of the exec-error pipe */
	long		 open_max;	/* bound of the last-resort close loop */
};

/* what went wrong in the child, sent up the pipe */
enum stage {
	STAGE_SETUP,
	STAGE_USER,
	STAGE_CHDIR,
	STAGE_EXEC,
};

struct child_err {
	int	stage;
	int	err;
	int	step;		/* of ocf_user_switch, for STAGE_USER */
};

static void seterr(char *, size_t, const char *, ...)
	__attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* append s, which we own from now on (freed on failure) */
static int
strv_add(struct strv *sv, char *s)
{
	if (s == NULL)
		return -1;
	if (sv->n + 1 >= sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));
		if (v == NULL) {
			free(s);
			return -1;
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

static char **
env_slot(const struct strv *env, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, len) == 0 &&
		    env->v[i][len] == '=')
			return &env->v[i];
	return NULL;
}

static const char *
env_get(const struct strv *env, const char *name)
{
	size_t len = strlen(name);
	char **slot = env_slot(env, name, len);

	return slot != NULL ? *slot + len + 1 : NULL;
}

/* add or replace "NAME=VALUE" by name; kv is ours from now on */
static int
env_put(struct strv *env, char *kv)
{
	char **slot;

	if (kv == NULL)
		return -1;
	slot = env_slot(env, kv, strcspn(kv, "="));
	if (slot == NULL)
		return strv_add(env, kv);
	free(*slot);
	*slot = kv;
	return 0;
}

static int
env_putkv(struct strv *env, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	char *kv = malloc(nl + vl + 2);

	if (kv == NULL)
		return -1;
	memcpy(kv, name, nl);
	kv[nl] = '=';
	memcpy(kv + nl + 1, value, vl + 1);
	return env_put(env, kv);
}

/* inherited, or only the few variables a clean start keeps */
static int
env_base(struct strv *env, int clean)
{
	static const char *const keep[] = {
		"PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ",
	};
	size_t i;

	if (!clean) {
		for (i = 0; environ != NULL && environ[i] != NULL; i++)
			if (strchr(environ[i], '=') != NULL &&
			    env_put(env, strdup(environ[i])) == -1)
				return -1;
		return 0;
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *v = getenv(keep[i]);

		if (v != NULL && env_putkv(env, keep[i], v) == -1)
			return -1;
	}
	/* and the locale's categories, LC_TIME and the like */
	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		if (strncmp(environ[i], "LC_", 3) == 0 &&
		    strchr(environ[i], '=') != NULL &&
		    env_put(env, strdup(environ[i])) == -1)
			return -1;
	/* a clean environment still needs a PATH for the program's own
	 * lookups */
	if (env_get(env, "PATH") == NULL &&
	    env_putkv(env, "PATH", DEFAULT_PATH) == -1)
		return -1;
	return 0;
}

static int
plan_env(struct plan *pl, const struct ocf_spawn_opts *o, char *err,
    size_t errlen)
{
	size_t i;

	if (env_base(&pl->env, o->clean_env) == -1)
		goto nomem;
	if (pl->user.name != NULL &&
	    (env_putkv(&pl->env, "HOME", pl->user.home) == -1 ||
	    env_putkv(&pl->env, "USER", pl->user.name) == -1 ||
	    env_putkv(&pl->env, "LOGNAME", pl->user.name) == -1))
		goto nomem;
	for (i = 0; o->env != NULL && o->env[i] != NULL; i++) {
		if (strchr(o->env[i], '=') == NULL || o->env[i][0] == '=') {
			seterr(err, errlen, "invalid environment entry '%s'",
			    o->env[i]);
			return -1;
		}
		if (env_put(&pl->env, strdup(o->env[i])) == -1)
			goto nomem;
	}
	return 0;
nomem:
	seterr(err, errlen, "unable to build the environment: %s",
	    strerror(ENOMEM));
	return -1;
}

/* every PATH directory holding argv[0] is a candidate, as for execvp */
static int
plan_paths(struct plan *pl, char *err, size_t errlen)
{
	const char *name = pl->argv[0], *p;
	size_t dl, nl = strlen(name);
	char *s;

	if (strchr(name, '/') != NULL) {
		if (strv_add(&pl->paths, strdup(name)) == -1)
			goto nomem;
		return 0;
	}
	if ((p = env_get(&pl->env, "PATH")) == NULL)
		p = DEFAULT_PATH;
	for (;; p += dl + 1) {
		dl = strcspn(p, ":");
		/* an empty element would mean ".", which a root daemon must
		 * not search */
		if (dl > 0) {
			if ((s = malloc(dl + nl + 2)) == NULL)
				goto nomem;
			memcpy(s, p, dl);
			s[dl] = '/';
			memcpy(s + dl + 1, name, nl + 1);
			if (strv_add(&pl->paths, s) == -1)
				goto nomem;
		}
		if (p[dl] == '\0')
			break;
	}
	if (pl->paths.n == 0) {
		seterr(err, errlen, "unable to run '%s': %s", name,
		    strerror(ENOENT));
		return -1;
	}
	return 0;
nomem:
	seterr(err, errlen, "unable to run '%s': %s", name, strerror(ENOMEM));
	return -1;
}

/* close-on-exec and above 2, so dup2 onto 0..2 never clobbers it */
static int
fd_high(int fd)
{
	int nfd, saved;

	if (fd == -1 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	saved = errno;
	close(fd);
	errno = saved;
	return nfd;
}

static int
plan_fds(struct plan *pl, const char *log_path, char *err, size_t errlen)
{
	pl->nullfd = fd_high(open("/dev/null", O_RDONLY | O_CLOEXEC));
	if (pl->nullfd == -1) {
		seterr(err, errlen, "unable to open '/dev/null': %s",
		    strerror(errno));
		return -1;
	}
	if (log_path == NULL)
		return 0;
	pl->logfd = fd_high(open(log_path,
	    O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW,
	    0600));
	if (pl->logfd == -1) {
		seterr(err, errlen, "unable to open '%s': %s", log_path,
		    strerror(errno));
		return -1;
	}
	pl->log_path = log_path;
	if (pl->log_max > 0 && asprintf(&pl->log_old, "%s.1", log_path) == -1) {
		pl->log_old = NULL;
		seterr(err, errlen, "unable to plan the log: %s",
		    strerror(ENOMEM));
		return -1;
	}
	return 0;
}

static void
plan_free(struct plan *pl)
{
	strv_free(&pl->env);
	strv_free(&pl->paths);
	ocf_user_free(&pl->user);
	free(pl->log_old);
	if (pl->nullfd != -1)
		close(pl->nullfd);
	if (pl->logfd != -1)
		close(pl->logfd);
}

/* --- in the child: system calls only --- */

static void
child_signals(void)
{
	struct sigaction sa, cur;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	/* an ignored signal stays ignored across execve: undo ours */
	for (sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &cur) == 0 &&
		    cur.sa_handler != SIG_DFL)
			(void)sigaction(sig, &sa, NULL);
}

static int
dup_to(int from, int to)
{
	while (dup2(from, to) == -1)
		if (errno != EINTR && errno != EBUSY)
			return -1;
	return 0;
}

#ifdef SYS_getdents64
struct kdirent64 {
	unsigned long long	d_ino;
	long long		d_off;
	unsigned short		d_reclen;
	unsigned char		d_type;
	char			d_name[];
};

/* getdents64 rather than opendir: no malloc in the child */
static int
close_from_proc(int keep)
{
	char buf[2048] __attribute__((aligned(8)));
	struct kdirent64 *d;
	long n, off;
	int dfd, fd;
	const char *p;

	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct kdirent64 *)(void *)(buf + off);
			fd = 0;
			for (p = d->d_name; *p >= '0' && *p <= '9' &&
			    fd < INT_MAX / 10; p++)
				fd = fd * 10 + (*p - '0');
			if (*p == '\0' && p != d->d_name && fd > 2 &&
			    fd != keep && fd != dfd)
				close(fd);
		}
	}
	close(dfd);
	return n == 0 ? 0 : -1;
}
#else
static int
close_from_proc(int keep)
{
	(void)keep;
	return -1;
}
#endif

static void
close_other_fds(int keep, long open_max)
{
	long fd;

#ifdef SYS_close_range
	if (keep < 3)
		keep = 2;	/* nothing to keep: close all from 3 */
	if ((keep <= 3 || syscall(SYS_close_range, 3U,
	    (unsigned int)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned int)keep + 1, ~0U, 0U) == 0)
		return;
#endif
	if (close_from_proc(keep) == 0)
		return;
	for (fd = 3; fd < open_max; fd++)
		if (fd != keep)
			close((int)fd);
}

static int
child_dir(const struct plan *pl)
{
	if (pl->cwd != NULL)
		return chdir(pl->cwd);
	/* like login(1): a missing home (nobody's /nonexistent) means "/" */
	if (pl->user.home != NULL && chdir(pl->user.home) == -1)
		return chdir("/");
	return 0;
}

/* execvp's rules: try on after "not here", remember "not allowed" */
static int
child_exec(const struct plan *pl)
{
	int e = ENOENT, denied = 0;
	size_t i;

	for (i = 0; i < pl->paths.n; i++) {
		execve(pl->paths.v[i], pl->argv, pl->env.v);
		e = errno;
		if (e == EACCES)
			denied = 1;
		else if (e != ENOENT && e != ENOTDIR && e != ELOOP &&
		    e != ENAMETOOLONG)
			return e;
	}
	return denied ? EACCES : e;
}

/*
 * The log keeper: copies the program's output (stdin) to the log (stdout),
 * and when the log would pass log_max renames it to log_old and starts a
 * new one, so the log and its one predecessor never hold much more than
 * 2 x log_max.  It always reads on, writable disk or not, so the program
 * never blocks on its output, and exits when the last writer is gone.
 */
static void __attribute__((noreturn))
keeper(const struct plan *pl)
{
	char buf[4096];
	struct sigaction sa;
	struct stat st;
	long long size;
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	/* the gateway's drain messages come after its SIGTERM */
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)prctl(PR_SET_NAME, "ocf-gwlog");	/* in ps, not "ocf-watch" */
	size = fstat(1, &st) == 0 ? (long long)st.st_size : 0;
	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (size > 0 && size + n > pl->log_max) {
			/* not ocf_write_atomic (see atomic.h): a log
			 * rotates, it is not replaced */
			(void)rename(pl->log_path, pl->log_old);
			fd = open(pl->log_path, O_WRONLY | O_APPEND | O_CREAT |
			    O_TRUNC | O_NOCTTY | O_NOFOLLOW, 0600);
			if (fd != -1) {
				(void)dup_to(fd, 1);
				close(fd);
			}
			size = 0;
		}
		for (ssize_t at = 0, w; at < n; at += w)
			if ((w = write(1, buf + at, (size_t)(n - at))) <= 0) {
				if (w == -1 && errno == EINTR)
					w = 0;
				else
					break;	/* dropped: the disk is full */
			}
		size += n;
	}
	_exit(0);
}

/*
 * Stdout and stderr into a pipe to the keeper.  The keeper is forked
 * twice so that it is nobody's child (init reaps it) and in a session of
 * its own: stopping the program's process group leaves it reading the
 * last words, and it is not counted as one of the program's processes.
 */
static int
child_keeper(const struct plan *pl)
{
	int p[2];
	pid_t mid;

	if (pipe(p) == -1)
		return -1;
	if ((mid = fork()) == -1)
		return -1;
	if (mid == 0) {
		if (fork() == 0 && setsid() != -1 && dup_to(p[0], 0) == 0 &&
		    dup_to(pl->logfd, 1) == 0 && dup_to(pl->nullfd, 2) == 0) {
			close_other_fds(-1, pl->open_max);
			keeper(pl);
		}
		_exit(0);
	}
	while (waitpid(mid, NULL, 0) == -1 && errno == EINTR)
		;
	close(p[0]);
	if (dup_to(p[1], 1) == -1 || dup_to(p[1], 2) == -1)
		return -1;
	close(p[1]);
	return 0;
}

static int
child_fds(const struct plan *pl)
{
	if (dup_to(pl->nullfd, 0) == -1)
		return -1;
	if (pl->logfd != -1 && pl->log_max > 0)
		return child_keeper(pl);
	if (pl->logfd != -1 &&
	    (dup_to(pl->logfd, 1) == -1 || dup_to(pl->logfd, 2) == -1))
		return -1;
	if (pl->outfd != -1 && dup_to(pl->outfd, 1) == -1)
		return -1;
	return 0;
}

static void
child(const struct plan *pl)
{
	struct child_err ce = { STAGE_SETUP, 0, 0 };
	sigset_t none;

	child_signals();
	if (pl->new_session && setsid() == -1)
		goto fail;
	if (child_fds(pl) == -1)
		goto fail;
	close_other_fds(pl->errfd, pl->open_max);
	ce.stage = STAGE_USER;
	if ((ce.step = ocf_user_switch(&pl->user)) != 0)
		goto fail;
	/* after the switch, which clears it; and we may be gone already */
	if (pl->death_signal > 0 &&
	    (prctl(PR_SET_PDEATHSIG, pl->death_signal) == -1 ||
	    getppid() != pl->parent))
		goto fail;
	ce.stage = STAGE_CHDIR;
	if (child_dir(pl) == -1)
		goto fail;
	ce.stage = STAGE_EXEC;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	errno = child_exec(pl);
fail:
	ce.err = errno;
	while (write(pl->errfd, &ce, sizeof(ce)) == -1 && errno == EINTR)
		;
	_exit(127);
}

/* --- back in the parent --- */

static void
reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

static void
report(const struct plan *pl, const struct child_err *ce, char *err,
    size_t errlen)
{
	const char *why = strerror(ce->err);

	switch (ce->stage) {
	case STAGE_EXEC:
		seterr(err, errlen, "unable to run '%s': %s", pl->argv[0], why);
		break;
	case STAGE_CHDIR:
		seterr(err, errlen, "unable to change directory to '%s': %s",
		    pl->cwd != NULL ? pl->cwd : "/", why);
		break;
	case STAGE_USER:
		ocf_user_error(pl->user.name, ce->step, ce->err, err, errlen);
		break;
	default:
		seterr(err, errlen, "unable to set up '%s': %s", pl->argv[0],
		    why);
		break;
	}
}

static pid_t
fork_exec(struct plan *pl, char *err, size_t errlen)
{
	struct child_err ce;
	sigset_t all, old;
	int pfd[2], saved;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		seterr(err, errlen, "unable to create a pipe: %s",
		    strerror(errno));
		return -1;
	}
	pfd[0] = fd_high(pfd[0]);
	pfd[1] = fd_high(pfd[1]);
	if (pfd[0] == -1 || pfd[1] == -1) {
		seterr(err, errlen, "unable to create a pipe: %s",
		    strerror(errno));
		goto fail;
	}
	pl->errfd = pfd[1];
	/* no handler of ours may run in the child before it resets them */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((pid = fork()) == 0)
		child(pl);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pfd[1]);
	pfd[1] = -1;
	if (pid == -1) {
		seterr(err, errlen, "unable to fork: %s", strerror(saved));
		goto fail;
	}
	/* EOF: the pipe was closed by a successful execve */
	if (ocf_read_full(pfd[0], &ce, sizeof(ce)) != (ssize_t)sizeof(ce)) {
		close(pfd[0]);
		return pid;
	}
	close(pfd[0]);
	reap(pid);
	report(pl, &ce, err, errlen);
	return -1;
fail:
	if (pfd[0] != -1)
		close(pfd[0]);
	if (pfd[1] != -1)
		close(pfd[1]);
	return -1;
}

pid_t
ocf_spawn(char *const argv[], const struct ocf_spawn_opts *o, char *err,
    size_t errlen)
{
	static const struct ocf_spawn_opts defaults;
	struct plan pl;
	pid_t pid = -1;

	if (o == NULL)
		o = &defaults;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		seterr(err, errlen, "empty command");
		return -1;
	}
	memset(&pl, 0, sizeof(pl));
	pl.argv = argv;
	pl.cwd = o->cwd;
	pl.new_session = o->new_session;
	pl.death_signal = o->parent_death_signal;
	pl.parent = getpid();
	pl.nullfd = pl.logfd = pl.errfd = -1;
	pl.outfd = o->stdout_fd > 0 ? o->stdout_fd : -1;
	pl.log_max = o->log_max;
	pl.open_max = sysconf(_SC_OPEN_MAX);
	if (pl.open_max < 0 || pl.open_max > INT_MAX)
		pl.open_max = 65536;
	if (ocf_user_lookup(o->user, &pl.user, err, errlen) == 0 &&
	    plan_env(&pl, o, err, errlen) == 0 &&
	    plan_paths(&pl, err, errlen) == 0 &&
	    plan_fds(&pl, o->log_path, err, errlen) == 0)
		pid = fork_exec(&pl, err, errlen);
	plan_free(&pl);
	return pid;
}

/*
 * Polling, not SIGCHLD (a handler would be global state) nor a pidfd
 * (valgrind 3.19 cannot trace pidfd_open).  The interval grows from 1 ms,
 * so a quick child is seen quickly, to 10 ms.
 */
int
ocf_wait(pid_t pid, double timeout, int *status)
{
	double deadline = ocf_mono() + timeout, nap = 0.001;
	int st;
	pid_t r;

	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	/* a NaN would compare false forever: make it "do not wait" */
	if (isnan(timeout))
		deadline = ocf_mono();
	for (;;) {
		double left;

		r = waitpid(pid, &st, timeout < 0 ? 0 : WNOHANG);
		if (r == pid) {
			if (status != NULL)
				*status = st;
			return 0;
		}
		if (r == -1 && errno != EINTR)
			return -1;
		if (timeout < 0 || r == -1)
			continue;
		if ((left = deadline - ocf_mono()) <= 0)
			return 1;
		ocf_sleep(left < nap ? left : nap);
		if (nap < 0.01)
			nap *= 2;
	}
}

static int
exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

int
ocf_run(char *const argv[], const struct ocf_spawn_opts *o, double timeout,
    char *err, size_t errlen)
{
	struct ocf_spawn_opts own = { 0 };
	int st, r;
	pid_t pid;

	if (o != NULL)
		own = *o;
	own.new_session = 1;
	if ((pid = ocf_spawn(argv, &own, err, errlen)) == -1)
		return -1;
	r = ocf_wait(pid, timeout, &st);
	if (r == 0)
		return exit_code(st);
	if (r == -1)
		seterr(err, errlen, "unable to wait for '%s': %s", argv[0],
		    strerror(errno));
	else
		seterr(err, errlen, "'%s' timed out after %gs", argv[0],
		    timeout);
	/* the group, so that its children do not outlive it either */
	(void)ocf_pgrp_stop(pid, RUN_GRACE);
	return r == -1 ? -1 : -2;
}
