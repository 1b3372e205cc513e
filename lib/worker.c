/*
 * The sync worker (see worker.h).
 *
 * Why a child: libgit2 1.5 has no connect or I/O timeout of its own, so a
 * remote that accepts and never speaks would hold a promotion forever; a
 * child we can SIGKILL bounds it.  The same child is where we drop to
 * OPENCLAW_USER, so files are written with the right owner and libgit2
 * and ssh find that user's ~/.ssh and ~/.gitconfig.
 *
 * The pipe carries single bytes ('l' local phase, 'n' network phase) and
 * then 'r' followed by the reply struct.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "timeutil.h"
#include "user.h"
#include "worker.h"

static int phase_fd = -1;

void
ocf_worker_phase(int local)
{
	char b = local ? 'l' : 'n';

	if (phase_fd != -1 && write(phase_fd, &b, 1) != 1)
		phase_fd = -1;	/* the parent is gone: finish anyway */
}

int
ocf_sync_set(struct ocf_sync_result *r, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ocf_status_vset(&r->status, r->detail, sizeof(r->detail), status, fmt,
	    ap);
	va_end(ap);
	return status;
}

void
ocf_sync_note(struct ocf_sync_result *r, const char *fmt, ...)
{
	size_t o = strlen(r->note);
	va_list ap;

	if (o > 0 && o + 2 < sizeof(r->note)) {
		memcpy(r->note + o, "; ", 3);
		o += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->note + o, sizeof(r->note) - o, fmt, ap);
	va_end(ap);
}

/* when we are root: to user, and HOME, USER, LOGNAME from its passwd */
static int
become_user(const char *user, char *err, size_t len)
{
	struct ocf_user u;
	char why[200];
	int step, rc = -1;

	if (ocf_user_lookup(user, &u, why, sizeof(why)) == -1)
		snprintf(err, len, "%s (OPENCLAW_USER)", why);
	else if ((step = ocf_user_switch(&u)) != 0)
		ocf_user_error(u.name, step, errno, err, len);
	else if (u.name != NULL && (setenv("HOME", u.home, 1) == -1 ||
	    setenv("USER", u.name, 1) == -1 ||
	    setenv("LOGNAME", u.name, 1) == -1))
		snprintf(err, len, "unable to set HOME: %s", strerror(errno));
	else
		rc = 0;
	ocf_user_free(&u);
	return rc;
}

static void __attribute__((noreturn))
worker_child(const char *user, ocf_worker_fn fn, void *arg, int fd)
{
	struct ocf_sync_result rep;
	char msg[1 + sizeof(rep)];

	signal(SIGPIPE, SIG_IGN);
	phase_fd = fd;
	memset(&rep, 0, sizeof(rep));
	rep.status = OCF_CRITICAL;
	rep.ahead = rep.behind = -1;
	if (become_user(user, rep.detail, sizeof(rep.detail)) == -1)
		rep.status = OCF_UNKNOWN;
	else
		fn(arg, &rep);
	msg[0] = 'r';
	memcpy(msg + 1, &rep, sizeof(rep));
	/* smaller than PIPE_BUF, so one write; nobody to tell if it fails */
	if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
		_exit(1);
	_exit(0);
}

/*
 * Read phase bytes and the reply until EOF or the deadline; 1 on timeout.
 * The deadline never cuts a local phase: past it, we wait for the worker
 * to leave the phase (or to finish) and only then say it timed out.
 */
static int
worker_read(int fd, double timeout, struct ocf_sync_result *rep,
    size_t *got)
{
	unsigned char *out = (unsigned char *)rep;
	char buf[512];
	double start = ocf_mono();
	int inreply = 0, local = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left;
		ssize_t n;

		left = start + timeout - ocf_mono();
		if (left <= 0 && !local)
			return 1;
		ocf_idle();	/* a long fetch must not look like a hung watcher */
		if (poll(&p, 1, left > 0.5 || local ? 500 :
		    (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents == 0)
			continue;
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++) {
			if (inreply) {
				if (*got < sizeof(*rep))
					out[(*got)++] = (unsigned char)buf[i];
			} else if (buf[i] == 'l')
				local = 1;
			else if (buf[i] == 'n')
				local = 0;
			else if (buf[i] == 'r')
				inreply = 1;
		}
	}
}

int
ocf_worker_run(const char *user, ocf_worker_fn fn, void *arg,
    double timeout, struct ocf_sync_result *rep)
{
	struct ocf_sync_result got;
	size_t n = 0;
	pid_t pid;
	int p[2], status, rc;

	memset(rep, 0, sizeof(*rep));
	rep->ahead = rep->behind = -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to create a pipe: %s",
		    strerror(errno));
		return rep->status;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to fork: %s",
		    strerror(errno));
		close(p[0]);
		close(p[1]);
		return rep->status;
	}
	if (pid == 0) {
		close(p[0]);
		worker_child(user, fn, arg, p[1]);
	}
	close(p[1]);
	memset(&got, 0, sizeof(got));
	rc = worker_read(p[0], timeout, &got, &n);
	close(p[0]);
	if (rc != 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (rc == 1)
		ocf_sync_set(rep, OCF_CRITICAL, "timed out after %gs", timeout);
	else if (n == sizeof(got)) {
		*rep = got;
		rep->detail[sizeof(rep->detail) - 1] = '\0';
	} else if (rc == -1)
		ocf_sync_set(rep, OCF_CRITICAL, "lost the worker: %s",
		    strerror(errno));
	else if (WIFSIGNALED(status))
		ocf_sync_set(rep, OCF_CRITICAL, "worker killed by signal %d",
		    WTERMSIG(status));
	else
		ocf_sync_set(rep, OCF_CRITICAL, "worker exited with status %d",
		    WEXITSTATUS(status));
	return rep->status;
}
