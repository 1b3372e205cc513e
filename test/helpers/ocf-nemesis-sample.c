/*
 * ocf-nemesis-sample - the eyes of `make nemesis` (test/nemesis/run.sh)
 *
 * usage: ocf-nemesis-sample -p ADDR:PORT [-n NETNS] -g ADDR:PORT -s STATE_DIR
 *                           -F FLAGDIR -x STOPFILE [-i MS] [-t MS] [-d SECONDS]
 *
 * Every -i milliseconds (default 100, start to start) it looks at both
 * nodes at once and prints one line on standard output:
 *
 *   REAL_MS MONO_MS P G ROLE LATCHED MAINT TRANSITION TRANSITIONS PFAILS NGW FLAGS
 *
 *   REAL_MS, MONO_MS  CLOCK_REALTIME and CLOCK_MONOTONIC in milliseconds
 *                     (the harness's clocks: this process is never faked)
 *   P                 GET /readyz of the primary (-p), opened from inside
 *                     the network namespace -n (a path such as
 *                     /run/netns/NAME) so that a partition between the
 *                     nodes does not hide the primary's own health
 *   G                 GET /readyz of the standby's local gateway (-g), from
 *                     the current network namespace
 *                     Each is a letter and the HTTP status (000: no answer
 *                     within -t ms, default 400): R ready (200 and
 *                     "ready":true), W live but not ready (503 naming
 *                     something other than gateway-draining), D down
 *                     (anything else, as ocf-probe(1) sees it)
 *   ROLE .. PFAILS    ROLE, LATCHED, MAINTENANCE, TRANSITION, TRANSITIONS
 *                     and PROMOTE_FAILS of STATE_DIR/state ('-' when the key
 *                     is missing or empty, '?' for ROLE when the file cannot
 *                     be read)
 *   NGW               gateway instances ocf started for STATE_DIR: live
 *                     processes carrying OCF_GATEWAY_OF=STATE_DIR in their
 *                     environment whose parent does not carry it
 *   FLAGS             the names in FLAGDIR, sorted, comma-separated ('-'
 *                     when none): the harness's own "what is going on"
 *
 * It stops when STOPFILE exists, after -d seconds (default 7200: a bounded
 * loop even when the harness dies without creating STOPFILE), or when
 * standard output goes away.  Exit status 0, or 3 on a usage error.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define PROG "ocf-nemesis-sample"

enum { MAXFLAGS = 64, MAXPROCS = 256, RESP_MAX = 4096, ENV_MAX = 256 * 1024 };

struct probe {
	struct sockaddr_in sa;
	int fd;
	int sent;		/* the request is written */
	int done;
	size_t len;
	char buf[RESP_MAX + 1];
};

static void
usage(void)
{
	fputs("usage: " PROG " -p ADDR:PORT [-n NETNS] -g ADDR:PORT -s STATE_DIR\n"
	    "       -F FLAGDIR -x STOPFILE [-i MS] [-t MS] [-d SECONDS]\n", stderr);
	exit(3);
}

static long long
ms_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
parse_addr(const char *arg, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(arg, ':');
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - arg) >= sizeof(host))
		usage();
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	port = strtol(colon + 1, &end, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (*end != '\0' || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		usage();
	sa->sin_port = htons((unsigned short)port);
}

/* a non-blocking socket, in network namespace nsfd when that is not -1 */
static void
probe_open(struct probe *p, int nsfd, int selffd)
{
	p->fd = -1;
	p->sent = p->done = 0;
	p->len = 0;
	if (nsfd != -1 && setns(nsfd, CLONE_NEWNET) == -1) {
		p->done = 1;
		return;
	}
	p->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (nsfd != -1 && setns(selffd, CLONE_NEWNET) == -1) {
		fprintf(stderr, PROG ": cannot return to my network namespace: %s\n",
		    strerror(errno));
		exit(2);
	}
	if (p->fd == -1 || (connect(p->fd, (struct sockaddr *)&p->sa,
	    sizeof(p->sa)) == -1 && errno != EINPROGRESS)) {
		if (p->fd != -1)
			close(p->fd);
		p->fd = -1;
		p->done = 1;
	}
}

static void
probe_step(struct probe *p, short revents)
{
	static const char req[] = "GET /readyz HTTP/1.1\r\nHost: ocf\r\n"
	    "Connection: close\r\n\r\n";
	ssize_t n;

	if (!p->sent) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0 || (revents & (POLLERR | POLLHUP)) ||
		    send(p->fd, req, sizeof(req) - 1, MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(req) - 1) {
			p->done = 1;
			return;
		}
		p->sent = 1;
		return;
	}
	n = read(p->fd, p->buf + p->len, RESP_MAX - p->len);
	if (n > 0)
		p->len += (size_t)n;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
	    p->len == RESP_MAX)
		p->done = 1;
}

/* run both probes at once, for at most timeout_ms */
static void
probe_both(struct probe *pr, long long timeout_ms)
{
	long long deadline = ms_of(CLOCK_MONOTONIC) + timeout_ms;

	for (;;) {
		struct pollfd pfd[2];
		int n = 0, map[2];
		long long left = deadline - ms_of(CLOCK_MONOTONIC);

		for (int i = 0; i < 2; i++) {
			if (pr[i].done || pr[i].fd == -1)
				continue;
			pfd[n].fd = pr[i].fd;
			pfd[n].events = pr[i].sent ? POLLIN : POLLOUT;
			pfd[n].revents = 0;
			map[n++] = i;
		}
		if (n == 0 || left <= 0)
			break;
		if (poll(pfd, (nfds_t)n, (int)left) <= 0)
			continue;
		for (int k = 0; k < n; k++)
			if (pfd[k].revents != 0)
				probe_step(&pr[map[k]], pfd[k].revents);
	}
	for (int i = 0; i < 2; i++) {
		if (pr[i].fd != -1)
			close(pr[i].fd);
		pr[i].fd = -1;
		pr[i].buf[pr[i].len] = '\0';
	}
}

/* "R200", "W503", "D000", ...: the verdict as ocf-probe would see it */
static void
verdict(const struct probe *p, char out[8])
{
	int code = 0;
	char v = 'D';

	if (p->len > 12 && strncmp(p->buf, "HTTP/1.", 7) == 0 &&
	    isdigit((unsigned char)p->buf[9]))
		code = atoi(p->buf + 9);
	if (code < 0 || code > 999)
		code = 999;
	/* the body must have arrived whole: a cut answer is no answer */
	if (code == 200 && strstr(p->buf, "\"ready\":true") != NULL)
		v = 'R';
	else if (code == 503 && strstr(p->buf, "\"ready\":false") != NULL &&
	    strstr(p->buf, "gateway-draining") == NULL)
		v = 'W';
	snprintf(out, 8, "%c%03d", v, code);
}

/* the value of KEY='...' in the state text, '-' when missing or empty */
static void
state_value(const char *text, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = text;

	snprintf(out, outlen, "-");
	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1, *e;
			size_t n = 0;

			if (*v == '\'')
				v++;
			e = strchr(v, '\n');
			if (e == NULL)
				e = v + strlen(v);
			if (e > v && e[-1] == '\'')
				e--;
			for (const char *q = v; q < e && n + 1 < outlen; q++)
				/* one token: blanks would shift the fields */
				out[n++] = isspace((unsigned char)*q) ? '_' : *q;
			out[n] = '\0';
			if (n == 0)
				snprintf(out, outlen, "-");
			return;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
}

static void
read_state(const char *dir, char *buf, size_t len, int *ok)
{
	char path[PATH_MAX];
	ssize_t n;
	size_t got = 0;
	int fd;

	*ok = 0;
	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/state", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*ok = got > 0;
}

/* ppid and state letter from /proc/PID/stat; -1 when gone */
static long
proc_ppid(const char *pid, char *state)
{
	char path[sizeof("/proc//stat") + 256], buf[1024], *rp;
	ssize_t n;
	long ppid;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may hold anything: the fields start after the last ')' */
	if ((rp = strrchr(buf, ')')) == NULL ||
	    sscanf(rp + 1, " %c %ld", state, &ppid) != 2)
		return -1;
	return ppid;
}

/*
 * Gateway instances: marked processes whose parent is not marked.  One
 * gateway may span several process groups (the real one runs a helper in
 * a session of its own), but its helpers descend from its first process.
 */
static int
count_gateways(const char *mark)
{
	static char env[ENV_MAX];
	long pids[MAXPROCS], ppids[MAXPROCS];
	size_t mlen = strlen(mark);
	struct dirent *de;
	int np = 0, roots = 0;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char path[sizeof("/proc//environ") + sizeof(de->d_name)], st;
		ssize_t n;
		long pp;
		int fd, found = 0;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/environ", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, env, sizeof(env) - 1);
		close(fd);
		if (n <= 0)
			continue;
		env[n] = '\0';
		for (size_t at = 0; at < (size_t)n; at += strlen(env + at) + 1)
			if (strlen(env + at) == mlen &&
			    memcmp(env + at, mark, mlen) == 0) {
				found = 1;
				break;
			}
		if (!found || (pp = proc_ppid(de->d_name, &st)) < 0 ||
		    st == 'Z' || st == 'X' || st == 'x' || np == MAXPROCS)
			continue;
		pids[np] = atol(de->d_name);
		ppids[np++] = pp;
	}
	closedir(d);
	for (int i = 0; i < np; i++) {
		int root = 1;

		for (int j = 0; j < np && root; j++)
			root = ppids[i] != pids[j];
		roots += root;
	}
	return roots;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
read_flags(const char *dir, char *out, size_t len)
{
	char *names[MAXFLAGS];
	struct dirent *de;
	size_t used = 0;
	int n = 0;
	DIR *d;

	out[0] = '\0';
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL && n < MAXFLAGS) {
			if (de->d_name[0] == '.')
				continue;
			if ((names[n] = strdup(de->d_name)) != NULL)
				n++;
		}
		closedir(d);
	}
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		int w = snprintf(out + used, len - used, "%s%s",
		    i > 0 ? "," : "", names[i]);

		if (w > 0 && (size_t)w < len - used)
			used += (size_t)w;
		free(names[i]);
	}
	if (used == 0)
		snprintf(out, len, "-");
}

int
main(int argc, char *argv[])
{
	const char *netns = NULL, *state_dir = NULL, *flagdir = NULL,
	    *stopfile = NULL, *paddr = NULL, *gaddr = NULL;
	long long interval = 100, timeout = 400, limit = 7200, start, next;
	struct probe pr[2];
	char mark[PATH_MAX + 32], state[16384], flags[2048];
	int c, nsfd = -1, selffd = -1;

	while ((c = getopt(argc, argv, "d:F:g:i:n:p:s:t:x:")) != -1) {
		switch (c) {
		case 'd':
			limit = atoll(optarg);
			break;
		case 'F':
			flagdir = optarg;
			break;
		case 'g':
			gaddr = optarg;
			break;
		case 'i':
			interval = atoll(optarg);
			break;
		case 'n':
			netns = optarg;
			break;
		case 'p':
			paddr = optarg;
			break;
		case 's':
			state_dir = optarg;
			break;
		case 't':
			timeout = atoll(optarg);
			break;
		case 'x':
			stopfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || paddr == NULL || gaddr == NULL ||
	    state_dir == NULL || flagdir == NULL || stopfile == NULL ||
	    interval < 10 || timeout < 10 || limit < 1)
		usage();
	parse_addr(paddr, &pr[0].sa);
	parse_addr(gaddr, &pr[1].sa);
	if (netns != NULL) {
		if ((nsfd = open(netns, O_RDONLY | O_CLOEXEC)) == -1 ||
		    (selffd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
			fprintf(stderr, PROG ": cannot open '%s' or my own network "
			    "namespace: %s\n", netns, strerror(errno));
			return 2;
		}
	}
	snprintf(mark, sizeof(mark), "OCF_GATEWAY_OF=%s", state_dir);
	signal(SIGPIPE, SIG_DFL);

	start = next = ms_of(CLOCK_MONOTONIC);
	while (access(stopfile, F_OK) == -1 &&
	    ms_of(CLOCK_MONOTONIC) - start < limit * 1000) {
		char pv[8], gv[8], role[32], latched[8], maint[8], tr[32],
		    trs[32], pf[32];
		long long real = ms_of(CLOCK_REALTIME),
		    mono = ms_of(CLOCK_MONOTONIC);
		int ok, ngw;

		probe_open(&pr[0], nsfd, selffd);
		probe_open(&pr[1], -1, -1);
		probe_both(pr, timeout);
		verdict(&pr[0], pv);
		verdict(&pr[1], gv);
		read_state(state_dir, state, sizeof(state), &ok);
		state_value(state, "ROLE", role, sizeof(role));
		if (!ok)
			snprintf(role, sizeof(role), "?");
		state_value(state, "LATCHED", latched, sizeof(latched));
		state_value(state, "MAINTENANCE", maint, sizeof(maint));
		state_value(state, "TRANSITION", tr, sizeof(tr));
		state_value(state, "TRANSITIONS", trs, sizeof(trs));
		state_value(state, "PROMOTE_FAILS", pf, sizeof(pf));
		ngw = count_gateways(mark);
		read_flags(flagdir, flags, sizeof(flags));
		if (printf("%lld %lld %s %s %s %s %s %s %s %s %d %s\n", real,
		    mono, pv, gv, role, latched, maint, tr, trs, pf, ngw,
		    flags) < 0 || fflush(stdout) == EOF)
			return 0;
		next += interval;
		if (next < ms_of(CLOCK_MONOTONIC))
			next = ms_of(CLOCK_MONOTONIC);	/* late: no burst */
		sleep_ms(next - ms_of(CLOCK_MONOTONIC));
	}
	return 0;
}
