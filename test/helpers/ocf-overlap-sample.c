/*
 * ocf-overlap-sample - who is serving, 20 times a second (test/etcd.sh)
 *
 * usage: ocf-overlap-sample [-d SECONDS] [-i MS] [-t MS] [NETNS=]URL...
 *
 * Every -i milliseconds (default 50, start to start) it sends GET to every
 * URL at once and prints one line on standard output, flushed at once:
 *
 *   T_MS UP1 UP2 ...
 *
 * T_MS is CLOCK_REALTIME in milliseconds at the start of the sample (the
 * clock of `date +%s%3N`, so a test can put its own events beside the
 * samples); UPk is 1 when URL k answered with status 200 within -t
 * milliseconds (default 40), 0 otherwise (refused, reset, timeout, any
 * other status).  Only the status line is waited for, not the body.
 *
 * URL is http://IPV4:PORT/PATH or http://[IPV6]:PORT/PATH (numeric hosts
 * only: no resolver at 20 Hz).  NETNS, a path such as /run/netns/NAME,
 * makes the connection from inside that network namespace: the socket is
 * created there (setns(2) there and back; a socket keeps the namespace it
 * was made in), so one process samples gateways that all listen on
 * 127.0.0.1 in namespaces of their own.  That needs CAP_SYS_ADMIN.
 *
 * The schedule is kept on CLOCK_MONOTONIC: a late sample does not shift
 * the ones after it; a tick missed altogether (the machine stalled for
 * longer than -i) is skipped, never made up in a burst, so the gaps in
 * T_MS show it.
 *
 * It ends on SIGTERM or SIGINT (after the sample under way), when standard
 * output goes away, or after -d seconds (default 900): a test that forgets
 * it leaks nothing for long.  Exit status 0, 2 when a namespace cannot be
 * opened, 3 on a usage error.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "ocf-overlap-sample"

enum { MAXTARGETS = 32, REQ_MAX = 512, RESP_MAX = 64 };

struct target {
	int nsfd;		/* -1: this process's own namespace */
	struct sockaddr_storage sa;
	socklen_t salen;
	char req[REQ_MAX];
	size_t reqlen;
	/* one probe */
	int fd;
	int sent;
	int done;
	int up;
	size_t len;
	char buf[RESP_MAX + 1];
};

static volatile sig_atomic_t stop;

static void
usage(void)
{
	fputs("usage: " PROG " [-d SECONDS] [-i MS] [-t MS] [NETNS=]URL...\n",
	    stderr);
	exit(3);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long
ms_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

/* http://HOST:PORT/PATH into t->sa and t->req; 0, or -1 when not one */
static int
parse_url(const char *url, struct target *t)
{
	char host[64];
	const char *auth, *h, *he, *p, *path;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&t->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&t->sa;
	long port;
	char *end;
	int n;

	if (strncmp(url, "http://", 7) != 0)
		return -1;
	auth = h = url + 7;
	if (*h == '[') {
		h++;
		if ((he = strchr(h, ']')) == NULL)
			return -1;
		p = he + 1;
	} else {
		he = strchr(h, ':');
		p = he;
	}
	if (he == NULL || p == NULL || *p != ':' || he == h ||
	    (size_t)(he - h) >= sizeof(host))
		return -1;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	errno = 0;
	port = strtol(p + 1, &end, 10);
	if (errno != 0 || end == p + 1 || port < 1 || port > 65535 ||
	    (*end != '/' && *end != '\0'))
		return -1;
	path = *end == '/' ? end : "/";
	memset(&t->sa, 0, sizeof(t->sa));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		t->salen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		t->salen = sizeof(*s6);
	} else {
		return -1;
	}
	n = snprintf(t->req, sizeof(t->req),
	    "GET %s HTTP/1.1\r\nHost: %.*s\r\nUser-Agent: " PROG "\r\n"
	    "Connection: close\r\n\r\n", path, (int)(end - auth), auth);
	if (n < 0 || (size_t)n >= sizeof(t->req))
		return -1;
	t->reqlen = (size_t)n;
	return 0;
}

/* open t's non-blocking socket, in its namespace; connect */
static void
probe_open(struct target *t, int selffd)
{
	t->fd = -1;
	t->sent = t->done = t->up = 0;
	t->len = 0;
	if (t->nsfd != -1 && setns(t->nsfd, CLONE_NEWNET) == -1) {
		t->done = 1;
		return;
	}
	t->fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (t->nsfd != -1 && setns(selffd, CLONE_NEWNET) == -1) {
		fprintf(stderr, PROG ": cannot return to my network namespace: %s\n",
		    strerror(errno));
		exit(2);
	}
	if (t->fd == -1 || (connect(t->fd, (struct sockaddr *)&t->sa,
	    t->salen) == -1 && errno != EINPROGRESS)) {
		if (t->fd != -1)
			close(t->fd);
		t->fd = -1;
		t->done = 1;
	}
}

static void
probe_step(struct target *t, short revents)
{
	ssize_t n;

	if (!t->sent) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0 || (revents & (POLLERR | POLLHUP)) ||
		    send(t->fd, t->req, t->reqlen, MSG_NOSIGNAL) !=
		    (ssize_t)t->reqlen) {
			t->done = 1;
			return;
		}
		t->sent = 1;
		return;
	}
	n = read(t->fd, t->buf + t->len, RESP_MAX - t->len);
	if (n > 0)
		t->len += (size_t)n;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		t->done = 1;
	/* the status line is all we want: "HTTP/1.1 200 " */
	if (t->len >= 13 || memchr(t->buf, '\n', t->len) != NULL) {
		t->buf[t->len] = '\0';
		t->up = strncmp(t->buf, "HTTP/1.", 7) == 0 &&
		    strncmp(t->buf + 8, " 200", 4) == 0 &&
		    (t->buf[12] == ' ' || t->buf[12] == '\r');
		t->done = 1;
	}
}

/* one sample: every target at once, for at most timeout_ms */
static void
sample(struct target *tg, int n, int selffd, long long timeout_ms)
{
	long long deadline = ms_of(CLOCK_MONOTONIC) + timeout_ms;
	struct pollfd pfd[MAXTARGETS];
	int map[MAXTARGETS];

	for (int i = 0; i < n; i++)
		probe_open(&tg[i], selffd);
	for (;;) {
		long long left = deadline - ms_of(CLOCK_MONOTONIC);
		int m = 0;

		for (int i = 0; i < n; i++) {
			if (tg[i].done)
				continue;
			pfd[m].fd = tg[i].fd;
			pfd[m].events = tg[i].sent ? POLLIN : POLLOUT;
			pfd[m].revents = 0;
			map[m++] = i;
		}
		if (m == 0 || left <= 0)
			break;
		if (poll(pfd, (nfds_t)m, (int)left) <= 0)
			continue;
		for (int k = 0; k < m; k++)
			if (pfd[k].revents != 0)
				probe_step(&tg[map[k]], pfd[k].revents);
	}
	for (int i = 0; i < n; i++) {
		if (tg[i].fd != -1)
			close(tg[i].fd);
		tg[i].fd = -1;
	}
}

static void
sleep_until(long long mono_ms)
{
	long long left = mono_ms - ms_of(CLOCK_MONOTONIC);
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = (time_t)(left / 1000);
	ts.tv_nsec = (long)(left % 1000) * 1000000;
	/* a signal cuts the nap short; the loop then sees stop */
	nanosleep(&ts, NULL);
}

int
main(int argc, char **argv)
{
	static struct target tg[MAXTARGETS];
	long interval = 50, timeout = 40, duration = 900;
	long long next, end;
	struct sigaction sa;
	int c, n, selffd = -1;

	while ((c = getopt(argc, argv, "d:i:t:")) != -1) {
		switch (c) {
		case 'd':
			duration = number(optarg, 1, 86400);
			break;
		case 'i':
			interval = number(optarg, 10, 60000);
			break;
		case 't':
			timeout = number(optarg, 1, 60000);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > MAXTARGETS || timeout >= interval)
		usage();
	n = argc;
	for (int i = 0; i < n; i++) {
		char *url = argv[i], *eq = NULL;

		tg[i].nsfd = -1;
		tg[i].fd = -1;
		if (argv[i][0] == '/' && (eq = strchr(argv[i], '=')) != NULL) {
			*eq = '\0';
			url = eq + 1;
		}
		if (parse_url(url, &tg[i]) == -1) {
			fprintf(stderr, PROG ": error: not a numeric http URL: '%s'\n",
			    url);
			usage();
		}
		if (eq == NULL)
			continue;
		if ((tg[i].nsfd = open(argv[i], O_RDONLY | O_CLOEXEC)) == -1) {
			fprintf(stderr, PROG ": error: unable to open '%s': %s\n",
			    argv[i], strerror(errno));
			return 2;
		}
		if (selffd == -1 && (selffd = open("/proc/self/ns/net",
		    O_RDONLY | O_CLOEXEC)) == -1) {
			fprintf(stderr, PROG ": error: unable to open "
			    "'/proc/self/ns/net': %s\n", strerror(errno));
			return 2;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* a closed pipe is an error from write, and the end */
	signal(SIGPIPE, SIG_IGN);

	next = ms_of(CLOCK_MONOTONIC);
	end = next + duration * 1000;
	while (!stop && next < end) {
		long long t = ms_of(CLOCK_REALTIME), now;

		sample(tg, n, selffd, timeout);
		printf("%lld", t);
		for (int i = 0; i < n; i++)
			printf(" %d", tg[i].up);
		if (putchar('\n') == EOF || fflush(stdout) == EOF)
			break;
		next += interval;
		now = ms_of(CLOCK_MONOTONIC);
		if (next <= now)	/* missed: the next whole tick */
			next += ((now - next) / interval + 1) * interval;
		sleep_until(next);
	}
	return 0;
}
