#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "detach.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "probe.h"
#include "state.h"
#include "timeutil.h"
#include "witness.h"

/* a witness's body is not read: a status page's first bytes will do */
#define BODY_MAX 1024

/* split WITNESS_URLS ("URL, URL"; checked by the configuration) */
static int
split(const char *v, char urls[][OCF_URL_MAX])
{
	int n = 0;
	size_t k;

	while (*v != '\0' && n < OCF_WITNESS_MAX) {
		v += strspn(v, " \t");
		k = strcspn(v, ",");
		while (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\t'))
			k--;
		if (k > 0 && k < OCF_URL_MAX) {
			memcpy(urls[n], v, k);
			urls[n++][k] = '\0';
		}
		v += strcspn(v, ",");
		if (*v == ',')
			v++;
	}
	return n;
}

/* one GET, no token: any HTTP answer is a reached witness.  i: its
 * place in the list, for the log (a URL may hold a secret) */
static int
reach(const struct ocf_config *c, const char *url, int i, double timeout)
{
	struct ocf_http_req q = {
		.url = url,
		.timeout = timeout,
		.ca_file = c->ca_file,
		.max_body = BODY_MAX,
	};
	struct ocf_http_resp r;
	int ok = ocf_http_do(&q, &r) == 0;

	if (ok)
		ocf_debug("witness %d answered: HTTP %ld", i + 1, r.code);
	else if (r.local)
		ocf_warn("witness %d not asked: %s", i + 1, r.error);
	else
		ocf_debug("witness %d: no answer (%s)", i + 1, r.error);
	ocf_http_free(&r);
	return ok;
}

struct asking {
	pid_t pid;	/* the child asking, 0: none (any more) */
	int fd;		/* its pipe: one byte when reached, then EOF */
};

/* the children still asking: no longer needed */
static void
stop_all(struct asking *a, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i].fd >= 0)
			close(a[i].fd);
		if (a[i].pid > 0) {
			kill(a[i].pid, SIGKILL);
			while (waitpid(a[i].pid, NULL, 0) == -1 && errno == EINTR)
				;
		}
	}
}

/* fork a child asking witness i; 0, or -1 when it could not */
static int
start(const struct ocf_config *c, const char *url, int i, double timeout,
    struct asking *a)
{
	struct ocf_detach d = { 0 };
	int p[2];
	char yes = '1';
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	pid = ocf_detach(&d, timeout);
	if (pid == 0) {
		close(p[0]);
		if (reach(c, url, i, timeout) && write(p[1], &yes, 1) != 1)
			ocf_detach_exit(1);
		ocf_detach_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	a->pid = pid;
	a->fd = p[0];
	return 0;
}

/* wait until a child says reached, all are done, or the end */
static int
wait_any(struct asking *a, int n, double end)
{
	struct pollfd pf[OCF_WITNESS_MAX];
	int open, reached = 0;
	char b;

	for (;;) {
		double left = end - ocf_mono();

		open = 0;
		for (int i = 0; i < n; i++)
			if (a[i].fd >= 0) {
				pf[open].fd = a[i].fd;
				pf[open++].events = POLLIN;
			}
		if (open == 0 || left <= 0)
			return 0;
		ocf_idle();	/* the systemd watchdog, over a long wait */
		if (poll(pf, (nfds_t)open, (int)(left * 1000) + 1) <= 0)
			continue;	/* a signal, or the end: looked at above */
		for (int i = 0; i < n; i++) {
			ssize_t got;

			if (a[i].fd < 0)
				continue;
			got = read(a[i].fd, &b, 1);
			if (got == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (got == 1)
				reached = 1;
			close(a[i].fd);
			a[i].fd = -1;
			while (waitpid(a[i].pid, NULL, 0) == -1 && errno == EINTR)
				;
			a[i].pid = 0;
		}
		if (reached)
			return 1;
	}
}

static enum ocf_witness
ask_all(const struct ocf_config *c)
{
	static char urls[OCF_WITNESS_MAX][OCF_URL_MAX];
	struct asking a[OCF_WITNESS_MAX];
	double t = c->probe_timeout, end = ocf_mono() + t;
	int n = split(c->witness_urls, urls), reached = 0, i;

	for (i = 0; i < n; i++) {
		a[i].pid = 0;
		a[i].fd = -1;
	}
	for (i = 0; i < n && !reached; i++) {
		if (start(c, urls[i], i, t, &a[i]) == 0)
			continue;
		/* no child: asked here, in turn, with the time left */
		ocf_warn("witness %d asked in turn: %s", i + 1, strerror(errno));
		if (end - ocf_mono() > 0)
			reached = reach(c, urls[i], i, end - ocf_mono());
	}
	/* the children's reads must not block: a child may still write */
	for (i = 0; i < n; i++)
		if (a[i].fd >= 0)
			fcntl(a[i].fd, F_SETFL, O_NONBLOCK);
	if (!reached)
		reached = wait_any(a, n, end);
	stop_all(a, n);
	return reached ? OCF_WITNESS_REACHED : OCF_WITNESS_NONE;
}

enum ocf_witness
ocf_witness_ask(const struct ocf_config *c, const struct ocf_probe_result *r)
{
	if (c->witness_urls[0] == '\0')
		return OCF_WITNESS_OFF;
	if (r->status == OCF_UNKNOWN)
		return OCF_WITNESS_UNASKED;
	if (r->status != OCF_CRITICAL || r->ready_code != 0 ||
	    r->health_code != 0)
		return OCF_WITNESS_PRIMARY;
	return ask_all(c);
}

int
ocf_witness_rule(int failure, enum ocf_witness w, const char *was,
    const char **word)
{
	switch (w) {
	case OCF_WITNESS_OFF:
		*word = "off";
		break;
	case OCF_WITNESS_NONE:
		*word = "none";
		break;
	case OCF_WITNESS_UNASKED:	/* nothing new: as it was */
		*word = strcmp(was, "none") == 0 ? "none" : "ok";
		break;
	default:
		*word = "ok";
		break;
	}
	return !(failure && w == OCF_WITNESS_NONE);
}

int
ocf_witness_count(struct ocf_state *s, int failure, enum ocf_witness w)
{
	const char *word;
	int counts = ocf_witness_rule(failure, w, s->witness, &word);

	if (strcmp(word, "none") == 0 && strcmp(s->witness, "none") != 0)
		ocf_notice("no witness reachable: this node is cut off; "
		    "failed checks do not count");
	else if (strcmp(word, "none") != 0 && strcmp(s->witness, "none") == 0)
		ocf_notice("%s: failed checks count again",
		    w == OCF_WITNESS_REACHED ? "a witness is reachable again" :
		    w == OCF_WITNESS_PRIMARY ? "the primary is reachable again" :
		    "WITNESS_URLS is empty");
	snprintf(s->witness, sizeof(s->witness), "%s", word);
	return counts;
}
