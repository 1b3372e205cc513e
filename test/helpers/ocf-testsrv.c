/*
 * ocf-testsrv - a badly behaved HTTP/1.1 server for the ocf scenario tests
 *
 * usage: ocf-testsrv [-6hTv] [-b addr] [-f modefile | -m mode] [-g reqlog]
 *                    [-l linkfile] [-o postlog] [-P pidfile] [-r rate]
 *                    [-s seed] -p port
 *
 * The scenario tests use the real OpenClaw gateway wherever it can show a
 * behaviour. This server covers what the gateway will not do on demand:
 * answer "not ready" for a given reason, hang, trickle bytes, send a body
 * that never ends, redirect, reset the connection, drop a share of requests.
 *
 * It listens on 127.0.0.1 (::1 with -6, addr with -b), writes its pid to
 * pidfile once listen() has succeeded, so a test can wait for that file,
 * and serves each connection in its own detached thread, one request per
 * connection ("Connection: close"). Routes are GET /readyz and /ready
 * (readiness), /healthz and /health (liveness); anything else is 404.
 *
 * The mode comes from -m, or with -f is read from modefile at every
 * connection, so a test flips the primary's behaviour by rewriting the file
 * (missing or empty file: "ready"). Modes:
 *
 *   ready        /readyz 200 {"ready":true,...}, /health 200 {"ok":true,...}
 *   notready     /readyz 503 failing startup-sidecars, /health 200
 *   channel      /readyz 503 failing telegram and discord, /health 200
 *   draining     /readyz 503 failing gateway-draining, /health 200
 *   healthonly   /readyz and /ready 404, /health 200 (an older gateway)
 *   error500     every path 500
 *   late         like ready, after rate milliseconds (default 1000)
 *   flaky        like ready, but close without an answer rate percent of
 *                the requests (default 50), drawn from a PRNG seeded with
 *                seed (default 1): the same seed gives the same sequence
 *
 * and, whatever the path:
 *
 *   hang         read the request, never answer, hold the connection
 *   slowheaders  a status line, then one header byte per second
 *   slowbody     headers with Content-Length: 1000, then one byte per second
 *   endless      200, chunked, 4 KiB chunks for as long as the peer reads
 *   huge         200 with a 10 MiB body that starts {"ready":true
 *   redirect     302 to http://127.0.0.2:port/readyz
 *   redirectloop 302 to the requested path itself
 *   garbage      bytes that are not HTTP, then close
 *   badjson      200 with the body {"ready":tru
 *   badchunk     200, chunked, with an invalid chunk-size line
 *   rst          half the headers, then a reset (SO_LINGER 0)
 *   closeafteraccept  close the connection as soon as it is accepted
 *
 * No connection lives longer than CONN_LIFETIME and the server exits by
 * itself after SERVER_LIFETIME, so that a test that forgets it leaks neither
 * threads nor a process for long. SIGTERM and SIGINT remove the pidfile and
 * exit 0. -v logs one line per request to stderr.
 *
 * With -T, SIGTERM is ignored (a gateway stuck draining): the server goes on
 * serving until SIGKILL, SIGINT or the end of its lifetime. A shell's
 * "trap '' TERM; exec ocf-testsrv" cannot do that, since the server installs
 * its own handler.
 *
 * With -l FILE, servers share one link, as the requests of a standby whose
 * own link fails: a flaky server writes each of its draws to FILE (one
 * byte, 'd' for a request it drops, 'u' for one it answers) before it
 * drops or answers, and a server in any other mode that answers by path
 * drops (closes without an answer) every request that comes while FILE
 * says 'd'.  A witness asked right after a dropped check of the primary
 * is then lost with it (bench/run.sh, measure 4).
 *
 * With -o FILE, every POST (any path, any mode) is answered 200 "{}" and
 * its body appended to FILE as one line: a webhook receiver for the tests.
 *
 * With -g FILE, every request is first appended to FILE as one line,
 * "EPOCH.MS METHOD PATH TITLE" (TITLE: the Title header, "-" if none), and
 * any request outside the gateway's paths is answered 200 "{}": a
 * heartbeat receiver.  The modes that misbehave whatever the path still
 * do, after the line is written (and then a POST too, even with -o): a
 * receiver that logs the request, then hangs.
 *
 * Exit status: 0 on SIGTERM/SIGINT, 2 if it cannot serve, 3 on usage error
 * (the ocf exit codes).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define PROG "ocf-testsrv"

enum {
	EXIT_FAIL = 2,
	EXIT_USAGE = 3,
};

enum {
	CONN_LIFETIME = 900,		/* seconds, any one connection */
	SERVER_LIFETIME = 3600,		/* seconds, the whole server */
	IO_TIMEOUT = 10,		/* seconds a blocked read or write waits */
	REQUEST_MAX = 8192,		/* bytes of request head we accept */
	SLOWBODY_LEN = 1000,
	ENDLESS_CHUNK = 4096,
	HUGE_LEN = 10 * 1024 * 1024,
	DEFAULT_LATE_MS = 1000,
	DEFAULT_FLAKY_PCT = 50,
};

enum mode {
	/* Answer like a gateway in some state, by path. */
	M_READY, M_NOTREADY, M_CHANNEL, M_DRAINING, M_HEALTHONLY, M_ERROR500,
	M_LATE, M_FLAKY,
	/* Misbehave whatever the path. */
	M_HANG, M_SLOWHEADERS, M_SLOWBODY, M_ENDLESS, M_HUGE, M_REDIRECT,
	M_REDIRECTLOOP, M_GARBAGE, M_BADJSON, M_BADCHUNK, M_RST,
	M_CLOSEAFTERACCEPT,
	FIRST_PATHLESS = M_HANG,
};

static const struct {
	const char *name;
	enum mode mode;
} modes[] = {
	{ "ready", M_READY },
	{ "notready", M_NOTREADY },
	{ "channel", M_CHANNEL },
	{ "draining", M_DRAINING },
	{ "healthonly", M_HEALTHONLY },
	{ "error500", M_ERROR500 },
	{ "late", M_LATE },
	{ "flaky", M_FLAKY },
	{ "hang", M_HANG },
	{ "slowheaders", M_SLOWHEADERS },
	{ "slowbody", M_SLOWBODY },
	{ "endless", M_ENDLESS },
	{ "huge", M_HUGE },
	{ "redirect", M_REDIRECT },
	{ "redirectloop", M_REDIRECTLOOP },
	{ "garbage", M_GARBAGE },
	{ "badjson", M_BADJSON },
	{ "badchunk", M_BADCHUNK },
	{ "rst", M_RST },
	{ "closeafteraccept", M_CLOSEAFTERACCEPT },
};

/* The bodies the real gateway sends (openclaw 2026.9.6). */
static const char BODY_READY[] =
    "{\"ready\":true,\"failing\":[],\"uptimeMs\":1}";
static const char BODY_LIVE[] = "{\"ok\":true,\"status\":\"live\"}";
static const char BODY_NOTREADY[] =
    "{\"ready\":false,\"failing\":[\"startup-sidecars\"]}";
static const char BODY_CHANNEL[] =
    "{\"ready\":false,\"failing\":[\"telegram\",\"discord\"]}";
static const char BODY_DRAINING[] =
    "{\"ready\":false,\"failing\":[\"gateway-draining\"]}";
/* Ours: no probe should read anything into these. */
static const char BODY_NOTFOUND[] = "{\"error\":\"not found\"}";
static const char BODY_ERROR[] = "{\"error\":\"internal\"}";

/* Set once by main() before the first thread starts; read-only after. */
static struct {
	const char *addr;
	const char *modefile;
	const char *pidfile;
	enum mode mode;
	long port;
	long rate;
	bool rate_set;
	bool ignore_term;
	bool verbose;
} opt;

/* The flaky mode's PRNG: one sequence shared by all connections. */
static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rng_state;

enum route { R_READINESS, R_LIVENESS, R_OTHER };

struct request {
	char method[16];	/* the widths in read_request() match */
	char path[1024];
	char body[8192];	/* a POST's body (with -o), NUL-terminated */
	size_t blen;
	char title[256];	/* the Title header (ntfy), "" if none */
};

/* -o: every POST body is appended here, one per line (webhook tests) */
static pthread_mutex_t post_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *postlog;
/* -g: every request as one line (heartbeat tests) */
static const char *reqlog;
/* -l: the shared link's state, one byte ('d' down, 'u' up) */
static int linkfd = -1;

static _Noreturn void
usage(FILE *fp, int status)
{
	fputs("usage: " PROG " [-6hTv] [-b addr] [-f modefile | -m mode]"
	    " [-g reqlog]\n"
	    "                   [-l linkfile] [-o postlog] [-P pidfile]"
	    " [-r rate]\n"
	    "                   [-s seed] -p port\n", fp);
	exit(status);
}

static void
note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static _Noreturn void
die(const char *what)
{
	note("error: %s: %s", what, strerror(errno));
	exit(EXIT_FAIL);
}

static long
parse_num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		note("error: bad %s '%s' (allowed %ld..%ld)", what, s, lo, hi);
		exit(EXIT_USAGE);
	}
	return v;
}

static bool
mode_by_name(const char *name, enum mode *m)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(modes[i].name, name) == 0) {
			*m = modes[i].mode;
			return true;
		}
	}
	return false;
}

static const char *
mode_name(enum mode m)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == m)
			return modes[i].name;
	return "?";
}

/*
 * The mode for a new connection. With -f the file is read every time: that
 * is how a test changes the server's behaviour while it runs. A mode name
 * the server does not know is a bug in the test, so it answers 500 and
 * says so on stderr rather than guess.
 */
static enum mode
current_mode(void)
{
	char buf[64];
	ssize_t n;
	size_t len;
	char *s;
	enum mode m;
	int fd;

	if (opt.modefile == NULL)
		return opt.mode;
	if ((fd = open(opt.modefile, O_RDONLY)) == -1)
		return M_READY;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return M_READY;
	buf[n] = '\0';
	for (s = buf; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
		;
	len = strcspn(s, " \t\r\n");
	s[len] = '\0';
	if (*s == '\0')
		return M_READY;
	if (!mode_by_name(s, &m)) {
		note("warning: unknown mode '%s' in '%s', answering 500",
		    s, opt.modefile);
		return M_ERROR500;
	}
	return m;
}

/* SplitMix64: tiny, and any seed (0 too) gives a good sequence. */
static uint64_t
rng_next(void)
{
	uint64_t z;

	pthread_mutex_lock(&rng_lock);
	z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	pthread_mutex_unlock(&rng_lock);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static long
rate_for(enum mode m)
{
	if (opt.rate_set)
		return opt.rate;
	return m == M_LATE ? DEFAULT_LATE_MS : DEFAULT_FLAKY_PCT;
}

static time_t
monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* nanosleep leaves the remainder in ts, so each retry sleeps less. */
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;	/* peer gone, or stalled IO_TIMEOUT */
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_str(int fd, const char *s)
{
	return write_all(fd, s, strlen(s));
}

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 302:	return "Found";
	case 400:	return "Bad Request";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 500:	return "Internal Server Error";
	case 503:	return "Service Unavailable";
	default:	return "Unknown";
	}
}

/* The status line and headers; extra is more header lines, or "". */
static int
send_head(int fd, int status, const char *extra)
{
	char head[1024];
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n"
	    "Connection: close\r\n"
	    "%s\r\n", status, reason_phrase(status), extra);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	return write_all(fd, head, (size_t)n);
}

static int
send_response(int fd, int status, const char *body)
{
	char extra[64];

	snprintf(extra, sizeof(extra), "Content-Length: %zu\r\n", strlen(body));
	if (send_head(fd, status, extra) == -1)
		return -1;
	return write_str(fd, body);
}

/*
 * The body after the head, as long as Content-Length says and the buffer
 * allows: the part already read with the head, then the rest.
 */
static int
read_body(int fd, const char *buf, size_t len, struct request *req)
{
	const char *cl = strcasestr(buf, "\ncontent-length:");
	const char *end = strstr(buf, "\r\n\r\n");
	size_t want, have;
	ssize_t n;

	req->blen = 0;
	req->body[0] = '\0';
	if (cl == NULL || end == NULL)
		return 0;
	want = strtoul(cl + 16, NULL, 10);
	if (want > sizeof(req->body) - 1)
		want = sizeof(req->body) - 1;
	end += 4;
	have = len - (size_t)(end - buf);
	if (have > want)
		have = want;
	memcpy(req->body, end, have);
	while (have < want) {
		n = read(fd, req->body + have, want - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	req->blen = have;
	req->body[have] = '\0';
	return 0;
}

/*
 * Read the request head (up to the empty line) and keep the method and
 * the path without its query, then the body if there is one.
 */
/* the value of header name (lower case) in the request head, or "" */
static void
header_value(const char *head, const char *name, char *out, size_t len)
{
	size_t n = strlen(name), k;
	const char *p = strchr(head, '\n');

	out[0] = '\0';
	while (p != NULL && p[1] != '\r' && p[1] != '\n' && p[1] != '\0') {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			p += strspn(p, " \t");
			k = strcspn(p, "\r\n");
			if (k >= len)
				k = len - 1;
			memcpy(out, p, k);
			out[k] = '\0';
			return;
		}
		p = strchr(p, '\n');
	}
}

static int
read_request(int fd, struct request *req)
{
	char buf[REQUEST_MAX + 1];
	size_t len = 0;
	ssize_t n;

	buf[0] = '\0';
	while (strstr(buf, "\r\n\r\n") == NULL && strstr(buf, "\n\n") == NULL) {
		if (len == REQUEST_MAX)
			return -1;
		n = read(fd, buf + len, REQUEST_MAX - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
	}
	if (sscanf(buf, "%15s %1023s", req->method, req->path) != 2)
		return -1;
	req->path[strcspn(req->path, "?#")] = '\0';
	header_value(buf, "title", req->title, sizeof(req->title));
	return read_body(fd, buf, len, req);
}

static enum route
route_of(const char *path)
{
	if (strcmp(path, "/readyz") == 0 || strcmp(path, "/ready") == 0)
		return R_READINESS;
	if (strcmp(path, "/healthz") == 0 || strcmp(path, "/health") == 0)
		return R_LIVENESS;
	return R_OTHER;
}

struct reply {
	int status;
	const char *body;
};

/* What a gateway in the state of mode m answers to req. */
static struct reply
gateway_reply(enum mode m, const struct request *req)
{
	enum route r = route_of(req->path);

	if (m == M_ERROR500)
		return (struct reply){ 500, BODY_ERROR };
	if (r == R_OTHER)
		return (struct reply){ 404, BODY_NOTFOUND };
	if (strcmp(req->method, "GET") != 0)
		return (struct reply){ 405, BODY_NOTFOUND };
	if (r == R_LIVENESS)
		return (struct reply){ 200, BODY_LIVE };
	switch (m) {
	case M_NOTREADY:
		return (struct reply){ 503, BODY_NOTREADY };
	case M_CHANNEL:
		return (struct reply){ 503, BODY_CHANNEL };
	case M_DRAINING:
		return (struct reply){ 503, BODY_DRAINING };
	case M_HEALTHONLY:
		return (struct reply){ 404, BODY_NOTFOUND };
	default:
		return (struct reply){ 200, BODY_READY };
	}
}

/* Keep the connection open, discarding input, until the peer closes. */
static void
hold_until_closed(int fd, time_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[512];
	ssize_t n;

	while (monotonic_now() < deadline) {
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN))
			return;
	}
}

/* Send s one byte per second, from the start again at its end. */
static void
trickle(int fd, const char *s, size_t limit, time_t deadline)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < limit && monotonic_now() < deadline; i++) {
		if (write_all(fd, &s[i % len], 1) == -1)
			return;
		sleep_ms(1000);
	}
}

static void
serve_slowheaders(int fd, time_t deadline)
{
	/* Well-formed header lines that never reach the empty line. */
	if (write_str(fd, "HTTP/1.1 200 OK\r\n") == 0)
		trickle(fd, "X-Slow: a\r\n", SIZE_MAX, deadline);
}

static void
serve_slowbody(int fd, time_t deadline)
{
	char extra[64];

	snprintf(extra, sizeof(extra), "Content-Length: %d\r\n", SLOWBODY_LEN);
	if (send_head(fd, 200, extra) == 0)
		trickle(fd, "{\"ready\":true}      ", SLOWBODY_LEN, deadline);
}

static void
serve_endless(int fd, time_t deadline)
{
	char chunk[ENDLESS_CHUNK + 16];
	size_t len;

	len = (size_t)snprintf(chunk, sizeof(chunk), "%x\r\n", ENDLESS_CHUNK);
	memset(chunk + len, ' ', ENDLESS_CHUNK);
	memcpy(chunk + len + ENDLESS_CHUNK, "\r\n", 2);
	len += ENDLESS_CHUNK + 2;
	if (send_head(fd, 200, "Transfer-Encoding: chunked\r\n") == -1)
		return;
	/* write_all blocks while the peer does not read: its pace is ours. */
	while (monotonic_now() < deadline)
		if (write_all(fd, chunk, len) == -1)
			return;
}

static void
serve_huge(int fd)
{
	static const char start[] = "{\"ready\":true";
	char pad[65536];
	char extra[64];
	size_t left = HUGE_LEN - (sizeof(start) - 1);
	size_t n;

	snprintf(extra, sizeof(extra), "Content-Length: %d\r\n", HUGE_LEN);
	if (send_head(fd, 200, extra) == -1 || write_str(fd, start) == -1)
		return;
	memset(pad, ' ', sizeof(pad));
	while (left > 0) {
		n = left < sizeof(pad) ? left : sizeof(pad);
		if (write_all(fd, pad, n) == -1)
			return;
		left -= n;
	}
}

static void
serve_redirect(int fd, const char *path, bool loop)
{
	char extra[1200];

	if (loop)
		snprintf(extra, sizeof(extra), "Location: %s\r\n"
		    "Content-Length: 0\r\n", path);
	else
		snprintf(extra, sizeof(extra), "Location: http://127.0.0.2:%ld"
		    "/readyz\r\nContent-Length: 0\r\n", opt.port);
	send_head(fd, 302, extra);
}

static void
serve_garbage(int fd)
{
	static const char junk[] = "\x16\x03\x01\x00\xff SSH-2.0 \x00\x01\x02"
	    " this is not HTTP \xfe\xff\r\n\r\n";

	write_all(fd, junk, sizeof(junk) - 1);
}

static void
serve_badchunk(int fd)
{
	if (send_head(fd, 200, "Transfer-Encoding: chunked\r\n") == 0)
		write_str(fd, "zz;not-hex\r\n{\"ready\":true}\r\n0\r\n\r\n");
}

/* Half a response, then a reset instead of an orderly close. */
static void
serve_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	write_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: applic");
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* One line per request with -v; status 0: none to tell, -1: dropped. */
static void
log_request(enum mode m, const struct request *req, int status)
{
	if (!opt.verbose)
		return;
	if (status > 0)
		note("%s %s mode=%s -> %d", req->method, req->path,
		    mode_name(m), status);
	else if (status < 0)
		note("%s %s mode=%s -> dropped", req->method, req->path,
		    mode_name(m));
	else
		note("%s %s mode=%s", req->method, req->path, mode_name(m));
}

/* The modes that misbehave whatever the path. */
static void
misbehave(int fd, enum mode m, const struct request *req, time_t deadline)
{
	switch (m) {
	case M_HANG:
		hold_until_closed(fd, deadline);
		break;
	case M_SLOWHEADERS:
		serve_slowheaders(fd, deadline);
		break;
	case M_SLOWBODY:
		serve_slowbody(fd, deadline);
		break;
	case M_ENDLESS:
		serve_endless(fd, deadline);
		break;
	case M_HUGE:
		serve_huge(fd);
		break;
	case M_REDIRECT:
	case M_REDIRECTLOOP:
		serve_redirect(fd, req->path, m == M_REDIRECTLOOP);
		break;
	case M_GARBAGE:
		serve_garbage(fd);
		break;
	case M_BADJSON:
		send_response(fd, 200, "{\"ready\":tru");
		break;
	case M_BADCHUNK:
		serve_badchunk(fd);
		break;
	case M_RST:
		serve_rst(fd);
		break;
	default:
		break;
	}
}

static void
append_post(const struct request *req)
{
	FILE *fp;

	pthread_mutex_lock(&post_lock);
	if ((fp = fopen(postlog, "a")) != NULL) {
		fprintf(fp, "%s\n", req->body);
		fclose(fp);
	}
	pthread_mutex_unlock(&post_lock);
}

static void
append_request(const struct request *req)
{
	struct timespec ts;
	FILE *fp;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&post_lock);
	if ((fp = fopen(reqlog, "a")) != NULL) {
		fprintf(fp, "%lld.%03ld %s %s %s\n", (long long)ts.tv_sec,
		    ts.tv_nsec / 1000000, req->method, req->path,
		    req->title[0] != '\0' ? req->title : "-");
		fclose(fp);
	}
	pthread_mutex_unlock(&post_lock);
}

static void
serve(int fd)
{
	time_t deadline = monotonic_now() + CONN_LIFETIME;
	enum mode m = current_mode();
	struct request req;
	struct reply rep;

	if (m == M_CLOSEAFTERACCEPT) {
		if (opt.verbose)
			note("connection closed at accept, mode=%s", mode_name(m));
		return;
	}
	if (read_request(fd, &req) == -1) {
		if (opt.verbose)
			note("bad or missing request, mode=%s", mode_name(m));
		return;
	}
	if (reqlog != NULL)
		append_request(&req);
	if (postlog != NULL && strcmp(req.method, "POST") == 0 &&
	    !(reqlog != NULL && m >= FIRST_PATHLESS)) {
		append_post(&req);
		send_response(fd, 200, "{}");
		return;
	}
	if (reqlog != NULL && m < FIRST_PATHLESS &&
	    route_of(req.path) == R_OTHER) {
		send_response(fd, 200, "{}");
		return;
	}
	if (m >= FIRST_PATHLESS) {
		/* Logged first: some of these hold the connection for minutes. */
		log_request(m, &req, 0);
		misbehave(fd, m, &req, deadline);
		return;
	}
	if (m == M_FLAKY) {
		bool drop = (long)(rng_next() % 100) < rate_for(m);

		if (linkfd >= 0 && pwrite(linkfd, drop ? "d" : "u", 1, 0) != 1)
			note("warning: link file: %s", strerror(errno));
		if (drop) {
			log_request(m, &req, -1);
			return;		/* dropped: close without a word */
		}
	} else if (linkfd >= 0) {
		char st = 'u';

		if (pread(linkfd, &st, 1, 0) == 1 && st == 'd') {
			log_request(m, &req, -1);
			return;		/* the link is down: lost too */
		}
	}
	if (m == M_LATE)
		sleep_ms(rate_for(m));
	rep = gateway_reply(m, &req);
	send_response(fd, rep.status, rep.body);
	log_request(m, &req, rep.status);
}

static void *
conn_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;

	serve(fd);
	close(fd);
	return NULL;
}

/* Bound every blocking read and write, so a silent peer frees its thread. */
static void
set_io_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void
start_conn_thread(int fd)
{
	pthread_attr_t attr;
	pthread_t tid;
	int e;

	set_io_timeouts(fd);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&tid, &attr, conn_thread, (void *)(intptr_t)fd);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		note("warning: pthread_create: %s", strerror(e));
		close(fd);
	}
}

static int
listen_on(const char *addr, bool v6, long port)
{
	struct addrinfo hints = {
		.ai_family = v6 ? AF_INET6 : AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	};
	struct addrinfo *ai;
	char service[16];
	int fd, e, on = 1;

	if (addr == NULL)
		addr = v6 ? "::1" : "127.0.0.1";
	snprintf(service, sizeof(service), "%ld", port);
	if ((e = getaddrinfo(addr, service, &hints, &ai)) != 0) {
		note("error: bad address '%s': %s", addr, gai_strerror(e));
		exit(EXIT_USAGE);
	}
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd == -1)
		die("socket");
	/* A test restarts servers on the same port at once. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		note("error: unable to bind '%s' port %ld: %s", addr, port,
		    strerror(errno));
		exit(EXIT_FAIL);
	}
	freeaddrinfo(ai);
	if (listen(fd, 64) == -1)
		die("listen");
	return fd;
}

/* Written to a temporary name and renamed: a reader never sees half a pid. */
static void
write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *fp;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		note("error: pidfile name too long");
		exit(EXIT_USAGE);
	}
	if ((fp = fopen(tmp, "w")) == NULL)
		die(tmp);
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) == EOF || rename(tmp, path) == -1) {
		unlink(tmp);
		die(path);
	}
}

static void
on_signal(int sig)
{
	static const char msg[] = PROG ": lifetime over, exiting\n";
	ssize_t ignored;

	/* Only async-signal-safe calls here. */
	if (opt.pidfile != NULL)
		unlink(opt.pidfile);
	if (sig == SIGALRM) {
		ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)ignored;
	}
	_exit(0);
}

static void
set_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	/* -T: deaf to SIGTERM; only SIGKILL (or SIGINT) ends it early. */
	if (!opt.ignore_term)
		sigaction(SIGTERM, &sa, NULL);
	/* A peer that goes away must fail a write, not kill the server. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (opt.ignore_term)
		sigaction(SIGTERM, &sa, NULL);
}

int
main(int argc, char *argv[])
{
	bool v6 = false, mode_given = false;
	uint64_t seed = 1;
	int c, lfd, fd;

	while ((c = getopt(argc, argv, "6b:f:g:hl:m:o:P:p:r:s:Tv")) != -1) {
		switch (c) {
		case '6':
			v6 = true;
			break;
		case 'b':
			opt.addr = optarg;
			break;
		case 'f':
			opt.modefile = optarg;
			break;
		case 'g':
			reqlog = optarg;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'l':
			linkfd = open(optarg, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
			if (linkfd == -1)
				die(optarg);
			break;
		case 'm':
			if (!mode_by_name(optarg, &opt.mode)) {
				note("error: unknown mode '%s'", optarg);
				exit(EXIT_USAGE);
			}
			mode_given = true;
			break;
		case 'o':
			postlog = optarg;
			break;
		case 'P':
			opt.pidfile = optarg;
			break;
		case 'p':
			opt.port = parse_num(optarg, 1, 65535, "port");
			break;
		case 'r':
			opt.rate = parse_num(optarg, 0, 3600000, "rate");
			opt.rate_set = true;
			break;
		case 's':
			seed = (uint64_t)parse_num(optarg, 0, LONG_MAX, "seed");
			break;
		case 'T':
			opt.ignore_term = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc || opt.port == 0)
		usage(stderr, EXIT_USAGE);
	if (opt.modefile != NULL && mode_given) {
		note("error: -f and -m exclude each other");
		usage(stderr, EXIT_USAGE);
	}
	rng_state = seed;

	set_signals();
	lfd = listen_on(opt.addr, v6, opt.port);
	if (opt.pidfile != NULL)
		write_pidfile(opt.pidfile);
	alarm(SERVER_LIFETIME);

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			start_conn_thread(fd);
		else if (errno != EINTR && errno != ECONNABORTED)
			sleep_ms(100);	/* EMFILE and friends: let threads end */
	}
}
