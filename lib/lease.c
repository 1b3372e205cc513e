#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "etcd.h"
#include "gateway.h"
#include "lease.h"
#include "log.h"
#include "state.h"
#include "timeutil.h"

#define FENCE_AT (2.0 / 3.0)	/* of LEASE_TTL since the last good send */
#define DOWN_BY 0.9		/* ... the gateway is down by then */
#define OVERDUE_AT 0.75		/* the watcher fences for a stalled keeper */
#define NAP 0.25		/* seconds: the longest the keeper sleeps */

static double
sent_of(const struct ocf_lease *l)
{
	return (double)*l->sent_us / 1e6;
}

/* stop the gateway before `sent` + LEASE_TTL * DOWN_BY */
static int
fence(const struct ocf_config *c, double sent, const char *why)
{
	struct ocf_state s;
	char err[OCF_ERRLEN];
	int rc;

	ocf_err("fencing: %s; stopping the gateway", why);
	/* readers never lock: the pid the watcher recorded, or none (the
	 * marked groups are found anyway) */
	if (ocf_state_load(c->state_dir, &s, err, sizeof(err)) == -1)
		ocf_state_init(&s);
	rc = ocf_gateway_fence(c, &s, sent + c->lease_ttl * DOWN_BY -
	    ocf_uptime(), err, sizeof(err));
	if (rc == -1)
		ocf_err("fence: %s", err);
	else
		ocf_notice("fenced: the gateway is stopped%s", rc == 1 ?
		    " (killed)" : "");
	return rc == -1 ? -1 : 0;
}

/* seconds one renewal may take: short enough that a dead member and a
 * retry fit well before the fence */
static double
attempt_timeout(const struct ocf_config *c)
{
	double t = c->lease_ttl / 10.0;

	return t < c->probe_timeout ? t : c->probe_timeout;
}

static void __attribute__((noreturn))
keeper(const struct ocf_config *c, struct ocf_lease *l, int fd)
{
	struct ocf_etcd e = {
		.endpoints = c->etcd_endpoints,
		.ca_file = c->ca_file[0] != '\0' ? c->ca_file : NULL,
	};
	double ttl = c->lease_ttl, sent = sent_of(l), next = sent + ttl / 3;
	double attempt = attempt_timeout(c), endpoints = 1;
	char err[OCF_ERRLEN];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sigaction sa;
	long long left;
	int failing = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;	/* the watcher handles these */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	/* a SIGTERM ends it without a fence: the watcher sees it end, and
	 * fences (ocf_lease_ended) */
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)prctl(PR_SET_NAME, "ocf-lease");
	for (const char *p1 = c->etcd_endpoints; *p1 != '\0'; p1++)
		endpoints += *p1 == ',';
	for (;;) {
		double now = ocf_uptime(), fence_at = sent + ttl * FENCE_AT;
		double until = next < fence_at ? next : fence_at;
		char c1;

		/* short naps: a node resumed from a suspend (the boot clock
		 * ran on, the lease too) fences within one */
		if (until > now + NAP)
			until = now + NAP;
		if (now >= fence_at)
			_exit(fence(c, sent, "no lease renewal for 2/3 of "
			    "LEASE_TTL") == 0 ? OCF_LEASE_LATE : OCF_LEASE_LEFT);
		if (poll(&p, 1, (int)((until - now) * 1000) + 1) > 0 &&
		    read(fd, &c1, 1) <= 0) {
			int rc = fence(c, sent, "the watcher is gone");

			/* whoever comes next need not wait for the TTL */
			e.timeout = attempt;
			(void)ocf_etcd_revoke(&e, l->id, err, sizeof(err));
			_exit(rc == 0 ? OCF_LEASE_ORPHAN : OCF_LEASE_LEFT);
		}
		if ((now = ocf_uptime()) < next)
			continue;
		/* every endpoint tried before the fence is due, not after */
		e.timeout = (fence_at - now) / endpoints;
		if (e.timeout > attempt)
			e.timeout = attempt;
		if (e.timeout < 0.05)
			e.timeout = 0.05;
		if (ocf_etcd_keepalive(&e, l->id, &left, err,
		    sizeof(err)) == -1) {
			if (!failing++)
				ocf_warn("lease renewal failed: %s", err);
			next = ocf_uptime() + ttl / 10;
			continue;
		}
		if (left <= 0)
			_exit(fence(c, sent, "etcd says the lease has expired")
			    == 0 ? OCF_LEASE_EXPIRED : OCF_LEASE_LEFT);
		if (failing)
			ocf_notice("lease renewed again");
		failing = 0;
		sent = now;
		*l->sent_us = (long long)(now * 1e6);
		next = now + ttl / 3;
	}
}

int
ocf_lease_keep(const struct ocf_config *c, struct ocf_lease *l, long long id,
    double sent, char *err, size_t errlen)
{
	int p[2];

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->id = id;
	l->sent_us = mmap(NULL, sizeof(*l->sent_us), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (l->sent_us == MAP_FAILED) {
		l->sent_us = NULL;
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		return -1;
	}
	*l->sent_us = (long long)(sent * 1e6);
	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	fflush(NULL);
	if ((l->keeper = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		goto fail;
	}
	if (l->keeper == 0) {
		close(p[1]);
		keeper(c, l, p[0]);
	}
	close(p[0]);
	l->fd = p[1];
	return 0;
fail:
	munmap((void *)l->sent_us, sizeof(*l->sent_us));
	l->sent_us = NULL;
	l->keeper = 0;
	return -1;
}

static void
forget(struct ocf_lease *l)
{
	if (l->fd != -1)
		close(l->fd);
	if (l->sent_us != NULL)
		munmap((void *)l->sent_us, sizeof(*l->sent_us));
	l->fd = -1;
	l->sent_us = NULL;
	l->keeper = 0;
}

int
ocf_lease_ended(struct ocf_lease *l, char *why, size_t len)
{
	static const char *const words[] = {
		[OCF_LEASE_LATE] = "no renewal for 2/3 of LEASE_TTL",
		[OCF_LEASE_EXPIRED] = "the lease expired",
		[OCF_LEASE_ORPHAN] = "the watcher was gone",
		[OCF_LEASE_LEFT] = "gateway processes were left",
	};
	int st, code;
	pid_t r;

	if (l->keeper <= 0)
		return -1;
	while ((r = waitpid(l->keeper, &st, WNOHANG)) == -1 && errno == EINTR)
		;
	if (r == 0)
		return 0;
	code = r > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (code >= OCF_LEASE_LATE && code <= OCF_LEASE_LEFT)
		snprintf(why, len, "the lease keeper fenced: %s", words[code]);
	else if (r > 0 && WIFSIGNALED(st))
		snprintf(why, len, "the lease keeper was killed (signal %d)",
		    WTERMSIG(st));
	else
		snprintf(why, len, "the lease keeper ended (status %d)", code);
	forget(l);
	return 1;
}

int
ocf_lease_overdue(const struct ocf_config *c, const struct ocf_lease *l)
{
	/* a little after the keeper's own fence, which goes first */
	return l->keeper > 0 &&
	    ocf_uptime() >= sent_of(l) + c->lease_ttl * OVERDUE_AT;
}

double
ocf_lease_left(const struct ocf_config *c, const struct ocf_lease *l)
{
	if (l->sent_us == NULL)
		return -1;
	return sent_of(l) + c->lease_ttl * DOWN_BY - ocf_uptime();
}

void
ocf_lease_drop(struct ocf_lease *l)
{
	if (l->keeper > 0) {
		(void)kill(l->keeper, SIGKILL);
		while (waitpid(l->keeper, NULL, 0) == -1 && errno == EINTR)
			;
	}
	forget(l);
}

void
ocf_lease_release(const struct ocf_config *c, struct ocf_lease *l)
{
	struct ocf_etcd e = {
		.endpoints = c->etcd_endpoints,
		.ca_file = c->ca_file[0] != '\0' ? c->ca_file : NULL,
		.timeout = c->probe_timeout,
	};
	char err[OCF_ERRLEN];

	ocf_lease_drop(l);
	if (l->id != 0 && ocf_etcd_revoke(&e, l->id, err, sizeof(err)) == -1)
		ocf_warn("lease not revoked (it runs out in LEASE_TTL): %s",
		    err);
	l->id = 0;
}
